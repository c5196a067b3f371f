/**
 * The argument the router hands a LOOP handler: its body and query already parsed by the generated
 * validators, typed by the generated handler contract (generated/loop/server/handlers.ts).
 */
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';

export type LoopArgs<K extends keyof LoopHandlers> = Parameters<LoopHandlers[K]>[0];
