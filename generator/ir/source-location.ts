/** Where a catalogue node came from, so diagnostics and generated headers can name it. */
export interface SourceLocation {
  /** Path relative to the project root, e.g. `spec/loop/booking.yaml`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}
