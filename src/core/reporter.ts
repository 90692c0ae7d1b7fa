// Where the layers below the CLI send words for a person: the CLI's Output implements this, so nothing
// under src/ imports src/cli to print a line.

export interface Reporter {
  readonly format: 'text' | 'json';
  readonly verbose: boolean;
  info(line: string): void;
  detail(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}
