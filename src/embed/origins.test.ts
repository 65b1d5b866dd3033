import { describe, expect, it } from 'vitest';
import { acceptedOrigins, isAcceptedOrigin, knownParentOrigin, parseOrigin, parseOriginList } from './origins';

describe('parseOrigin', () => {
  it('accepts bare http(s) origins and normalizes them', () => {
    expect(parseOrigin('https://Good.Example')).toBe('https://good.example');
    expect(parseOrigin('https://good.example:443')).toBe('https://good.example');
    expect(parseOrigin('http://localhost:5302/')).toBe('http://localhost:5302');
  });

  it.each([
    ['null'],
    ['*'],
    ['https://*.good.example'],
    ['https://good.example/path'],
    ['https://good.example?x=1'],
    ['https://user@good.example'],
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['good.example'],
  ])('refuses %s with a named error', (raw) => {
    expect(() => parseOrigin(raw)).toThrow(expect.objectContaining({ name: 'InvalidOrigin' }));
  });
});

describe('parseOriginList', () => {
  it('splits, trims and dedupes', () => {
    expect(parseOriginList(' https://a.example, https://b.example ,https://a.example')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('refuses an empty list instead of allowing everyone', () => {
    expect(() => parseOriginList(' , ')).toThrow(/empty/);
  });
});

describe('isAcceptedOrigin', () => {
  const accepted = ['https://good.example', 'http://localhost:5302'];

  it('matches exact origins only', () => {
    expect(isAcceptedOrigin('https://good.example', accepted)).toBe(true);
    expect(isAcceptedOrigin('http://localhost:5302', accepted)).toBe(true);
  });

  it.each([
    'https://good.example.evil.net',
    'https://evil-good.example',
    'https://sub.good.example',
    'http://good.example',
    'https://good.example:8443',
    'http://localhost:53020',
    'http://localhost:530',
    'http://127.0.0.1:5302',
    'null',
  ])('refuses the look-alike %s', (origin) => {
    expect(isAcceptedOrigin(origin, accepted)).toBe(false);
  });

  it('never accepts null, even if a caller put it in the list', () => {
    expect(isAcceptedOrigin('null', ['null'])).toBe(false);
  });
});

describe('acceptedOrigins', () => {
  it('is the allowlist when there is one', () => {
    expect(acceptedOrigins(['https://a.example'], 'https://app.example')).toEqual(['https://a.example']);
  });

  it("is only the widget's own origin without an allowlist", () => {
    expect(acceptedOrigins(null, 'https://app.example')).toEqual(['https://app.example']);
    expect(acceptedOrigins(null, 'null')).toEqual([]);
  });
});

describe('knownParentOrigin', () => {
  const accepted = ['https://good.example'];

  it('uses ancestorOrigins first, then the referrer, only when accepted', () => {
    expect(knownParentOrigin({ ancestorOrigin: 'https://good.example', referrer: '' }, accepted)).toBe(
      'https://good.example',
    );
    expect(knownParentOrigin({ ancestorOrigin: null, referrer: 'https://good.example/page?q' }, accepted)).toBe(
      'https://good.example',
    );
  });

  it('is null for unknown, opaque or refused parents', () => {
    expect(knownParentOrigin({ ancestorOrigin: null, referrer: '' }, accepted)).toBeNull();
    expect(knownParentOrigin({ ancestorOrigin: 'null', referrer: '' }, accepted)).toBeNull();
    expect(knownParentOrigin({ ancestorOrigin: 'https://good.example.evil.net', referrer: '' }, accepted)).toBeNull();
    expect(
      knownParentOrigin({ ancestorOrigin: 'https://evil.example', referrer: 'https://good.example/' }, accepted),
    ).toBeNull();
  });
});
