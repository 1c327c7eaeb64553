/**
 * What the tools bench runs: a trivial tool (the floor of a sandbox call) and a shipped tool on a realistic input.
 * Each workload knows how to check its own output, so a broken run cannot pass as a fast one.
 */
import { loadBuiltinTool } from '../../activities/tools/builtin/index.js';

export interface ToolWorkload {
  name: string;
  code: string;
  entry: string;
  input: unknown;
  /** Throws when the output is not what this tool returns for this input. */
  check(output: unknown): void;
  /**
   * The per-call overhead target is judged on tools that do (almost) nothing: for a tool with real work, warm −
   * native also contains QuickJS interpreting that work more slowly than V8 compiles it, which is reported (as a
   * ratio) but is the price of the boundary, not per-call overhead.
   */
  judgesOverhead?: boolean;
}

const IDENTITY_CODE = 'function main(input) { return input; }';

export function identityWorkload(): ToolWorkload {
  const input = { ping: 'pong', n: 1 };
  return {
    name: 'identity',
    judgesOverhead: true,
    code: IDENTITY_CODE,
    entry: 'main',
    input,
    check(output) {
      if (JSON.stringify(output) !== JSON.stringify(input)) throw new Error('identity returned something else');
    },
  };
}

/**
 * A month's reconciliation slice: `lines` invoices and as many payments. Most match by reference; some references
 * are missing so the tool falls back to amount; some payments are short by a bank fee; a few match nothing.
 */
export function reconciliationInput(lines: number): { invoices: unknown[]; payments: unknown[]; amountTolerance: number } {
  const invoices = Array.from({ length: lines }, (_, i) => ({ id: `inv-${1001 + i}`, amount: 250 + ((i * 37) % 900) + 0.5 * (i % 3), currency: i % 4 === 0 ? 'USD' : 'EUR', reference: `INV-${1001 + i}` }));
  const payments = invoices.map((invoice, i) => {
    const reference = i % 10 === 3 ? '' : i % 10 === 7 ? `unrelated-${i}` : ` ${invoice.reference.toLowerCase()} `;
    const shortBy = i % 8 === 5 ? 1.5 : 0;
    const amount = i % 17 === 11 ? invoice.amount + 10_000 : invoice.amount - shortBy;
    return { id: `pay-${5001 + i}`, amount, currency: invoice.currency, reference };
  });
  return { invoices, payments, amountTolerance: 2 };
}

export async function matchTransactionsWorkload(lines = 50): Promise<ToolWorkload> {
  const tool = await loadBuiltinTool('finance.match_transactions');
  if (!tool) throw new Error('built-in tool finance.match_transactions is missing');
  const input = reconciliationInput(lines);
  return {
    name: `finance.match_transactions (${lines}×${lines})`,
    code: tool.code,
    entry: 'main',
    input,
    check(output) {
      const matched = (output as { matched?: unknown }).matched;
      if (!Array.isArray(matched) || matched.length === 0) throw new Error('finance.match_transactions matched nothing');
    },
  };
}

/**
 * The tool's entry as a plain Node function: the baseline a sandbox call is compared with. Evaluating source like
 * this is exactly what the sandbox exists to avoid in the product; here it runs only the repository's own code.
 */
export function nativeFunction(workload: ToolWorkload): (input: unknown) => unknown {
  // Tools log through console.log; the sandbox collects those lines, so the baseline collects them too instead of
  // paying for terminal output the sandboxed run never does.
  const logs: string[] = [];
  const collectingConsole = { log: (...parts: unknown[]) => void logs.push(parts.map(String).join(' ')) };
  const factory = new Function('console', `${workload.code}\n;return ${workload.entry};`) as (console: unknown) => unknown;
  const entry = factory(collectingConsole);
  if (typeof entry !== 'function') throw new Error(`${workload.name}: ${workload.entry} is not a function`);
  return entry as (input: unknown) => unknown;
}
