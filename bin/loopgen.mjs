#!/usr/bin/env node
// Entry point: registers tsx so the CLI, the runtime and generated TypeScript run without a compile step.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
