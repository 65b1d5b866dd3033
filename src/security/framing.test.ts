import { describe, expect, it } from 'vitest';
import { refuseFraming } from './framing';

const win = (framed: boolean) => {
  const self = {} as Window;
  return Object.assign(self, { self, top: framed ? ({} as Window) : self }) as Window;
};

describe('refuseFraming', () => {
  it('refuses the framed app, allows the framed widget and the app in its own tab', () => {
    expect(refuseFraming(new URLSearchParams(''), win(true))).toBe(true);
    expect(refuseFraming(new URLSearchParams('embed'), win(true))).toBe(false);
    expect(refuseFraming(new URLSearchParams(''), win(false))).toBe(false);
  });
});
