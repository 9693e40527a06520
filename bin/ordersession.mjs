#!/usr/bin/env node
// The `ordersession` command: the CLI in TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
