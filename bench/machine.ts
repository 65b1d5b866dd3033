import type { Browser } from '@playwright/test';
import { execSync } from 'node:child_process';
import { cpus, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  os: string;
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
  node: string;
  browser: string;
  gitCommit: string;
  gitDirty: boolean;
}

function git(args: string): string {
  try {
    return execSync(`git ${args}`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function machineInfo(browser: Browser): MachineInfo {
  return {
    os: `${osType()} ${release()}`,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    browser: `Chromium ${browser.version()}`,
    gitCommit: git('rev-parse HEAD') || 'unknown',
    gitDirty: git('status --porcelain') !== '',
  };
}
