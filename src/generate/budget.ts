/**
 * Spend accounting and the budget (--max-requests, --max-tokens, --max-cost). Totals include
 * everything already in the journal, so rerunning the same command after a budget stop does not
 * grant a second budget: raise the limit to continue. Requests already in flight when the limit
 * is reached still complete and are journaled (they are paid for), so the overshoot is at most
 * one request per dialogue in flight.
 */
import type { GenerateConfig } from './config.js';
import { addUsage, zeroUsage, type Usage } from './types.js';

export interface BudgetLimits {
  maxRequests?: number;
  maxTokens?: number;
  /** USD, priced with the config's `prices` per model. */
  maxCost?: number;
}

export class BudgetReached extends Error {
  constructor(readonly what: string) {
    super(`budget reached: ${what}`);
  }
}

type Prices = GenerateConfig['prices'];

export class Budget {
  readonly total: Usage = zeroUsage();
  private readonly perModel = new Map<string, Usage>();
  cost = 0;

  constructor(
    readonly limits: BudgetLimits,
    private readonly prices: Prices,
  ) {}

  /** Cost of `u` on `model`; 0 for a model without a price (a local server). */
  priceOf(model: string, u: Usage): number {
    const p = this.prices[model];
    if (!p) return 0;
    return (u.prompt_tokens * p.input_per_mtok + u.completion_tokens * p.output_per_mtok) / 1e6;
  }

  record(model: string, u: Usage): void {
    addUsage(this.total, u);
    let m = this.perModel.get(model);
    if (!m) this.perModel.set(model, (m = zeroUsage()));
    addUsage(m, u);
    this.cost += this.priceOf(model, u);
  }

  /** The first limit reached, or undefined. */
  reached(): string | undefined {
    const { maxRequests, maxTokens, maxCost } = this.limits;
    if (maxRequests !== undefined && this.total.requests >= maxRequests) return `${this.total.requests} requests of --max-requests ${maxRequests}`;
    const tok = this.total.prompt_tokens + this.total.completion_tokens;
    if (maxTokens !== undefined && tok >= maxTokens) return `${tok} tokens of --max-tokens ${maxTokens}`;
    if (maxCost !== undefined && this.cost >= maxCost) return `$${this.cost.toFixed(4)} of --max-cost ${maxCost}`;
    return undefined;
  }

  /** Throws BudgetReached before a new request when a limit is reached. */
  check(): void {
    const r = this.reached();
    if (r) throw new BudgetReached(r);
  }

  models(): Record<string, Usage> {
    return Object.fromEntries([...this.perModel.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
