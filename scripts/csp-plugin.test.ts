import { describe, expect, it } from 'vitest';
import { deployCspFromEnv, deployPolicies } from './csp-plugin';

const connectSrc = (policy: string) => /connect-src ([^;]*)/.exec(policy)?.[1]?.split(' ') ?? [];

describe('the deploy CSP and the remote backend', () => {
  it('names no remote server unless the deploy sets TW_REMOTE_HOSTS', () => {
    const policies = deployPolicies(deployCspFromEnv({}));
    expect(connectSrc(policies.app)).toEqual([
      "'self'",
      'https://huggingface.co',
      'https://*.hf.co',
      'https://*.huggingface.co',
    ]);
  });

  it('adds each configured server origin (not its path) to connect-src of the app and the widget', () => {
    const policies = deployPolicies(
      deployCspFromEnv({ TW_REMOTE_HOSTS: 'https://llm.example.com/v1, http://localhost:8000' }),
    );
    for (const policy of [policies.app, policies.embed, policies.serviceWorker]) {
      expect(connectSrc(policy)).toContain('https://llm.example.com');
      expect(connectSrc(policy)).toContain('http://localhost:8000');
      expect(policy).not.toContain('/v1');
    }
  });
});
