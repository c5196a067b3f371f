/**
 * A step failure that says whether trying again could help: a network error or a 5xx answer might
 * pass later (retryable); a step's own mistake (a missing field, an unknown step type, a 4xx) will
 * not, so an event-driven run dead-letters it at once instead of repeating it.
 */
export class StepError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = 'StepError';
    this.retryable = retryable;
  }
}
