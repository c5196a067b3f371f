/** Documented exit codes of the CLI; CI scripts rely on them. */
export const EXIT = {
  ok: 0,
  /** `check` found stale files or uncovered schema changes; or a command failed. */
  failure: 1,
  /** The catalogue has errors (printed as file:line:col). */
  catalogue: 2,
  /** A destructive schema change was refused without --allow-destructive. */
  destructive: 3,
  usage: 64,
} as const;
