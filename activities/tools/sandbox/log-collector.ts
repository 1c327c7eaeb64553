/**
 * Where a tool's console.log lines go. Capped so a chatty or hostile tool cannot
 * turn its logs into an unbounded host allocation or an oversized activity result.
 */
export const LOG_LIMITS = {
  maxLines: 200,
  maxLineChars: 4096,
  maxTotalChars: 64 * 1024,
} as const;

const TRUNCATION_NOTICE = '[sandbox] further log output dropped (log limit reached)';

export class LogCollector {
  private readonly collected: string[] = [];
  private totalChars = 0;
  private full = false;

  append(line: string): void {
    if (this.full) return;
    const clipped = line.length > LOG_LIMITS.maxLineChars ? line.slice(0, LOG_LIMITS.maxLineChars) : line;
    if (this.collected.length >= LOG_LIMITS.maxLines || this.totalChars + clipped.length > LOG_LIMITS.maxTotalChars) {
      this.full = true;
      this.collected.push(TRUNCATION_NOTICE);
      return;
    }
    this.collected.push(clipped);
    this.totalChars += clipped.length;
  }

  lines(): string[] {
    return [...this.collected];
  }
}
