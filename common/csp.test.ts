import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, cspOrigin } from './csp';

describe('contentSecurityPolicy', () => {
  it('is strict by default: own scripts plus WASM, no eval, no remote images, no framing, Trusted Types', () => {
    const policy = contentSecurityPolicy();
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(policy).not.toContain("'unsafe-eval'");
    expect(policy).not.toContain("'unsafe-inline'");
    expect(policy).toContain("img-src 'self' data: blob:");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("require-trusted-types-for 'script'");
    expect(policy).toContain("connect-src 'self' https://huggingface.co");
  });

  it('adds configured hosts to connect-src as origins only, and the framing list as given', () => {
    const policy = contentSecurityPolicy({
      connectHosts: ['https://models.example.com/path?x=1', 'https://api.example.com'],
      frameAncestors: ['https://blog.example'],
      trustedTypes: false,
    });
    expect(policy).toContain("connect-src 'self' https://models.example.com https://api.example.com;");
    expect(policy).toContain('frame-ancestors https://blog.example');
    expect(policy).not.toContain('trusted-types');
  });

  it('refuses a host that is not an http(s) origin, so nothing odd lands in the header', () => {
    expect(() => cspOrigin('javascript:alert(1)')).toThrow(/not an http/);
    expect(() => cspOrigin('https://a.example; script-src *')).toThrow();
  });
});

describe('frame-ancestors', () => {
  it("sends none for 'anyone' (a literal * would refuse opaque-origin parents) and 'none' for nobody", () => {
    expect(contentSecurityPolicy({ frameAncestors: ['*'] })).not.toContain('frame-ancestors');
    expect(contentSecurityPolicy({ frameAncestors: [] })).toContain("frame-ancestors 'none'");
  });
});
