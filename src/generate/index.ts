/** UltraChat-style generation: the public API of src/generate. */
export { runGenerate, splitCount, sidePaths, type GenerateResult } from './run.js';
export type { GenerateOptions } from './options.js';
export { loadGenerateConfig, parseGenerateConfig, DEFAULT_CONFIG_PATH, type GenerateConfig } from './config.js';
export { ChatClient, RequestFailed, requestFingerprint, retryAfter, type Endpoint, type ChatResult } from './client.js';
export { RateLimiter, TokenBucket, realClock, type Clock } from './ratelimit.js';
export { Budget, BudgetReached, type BudgetLimits } from './budget.js';
export { Journal, scanJournal, type JournalEntry } from './journal.js';
export { checkReply, cleanUserTurn, compileRules, isPolitenessOnly, type TurnRejectReason } from './validate.js';
export { formatRecord, dialogueId, writeOutput } from './output.js';
export { planDialogue } from './dialogue.js';
export { applyTemplate } from './openings/assistance.js';
export { readOpenings } from './openings/index.js';
export { OpeningDeduper, normalizeOpening } from './openings/dedup.js';
export { parseList, fill } from './prompts.js';
export { startFakeServer, type FakeServer, type FakeServerOptions, type FakeFaultRule, type FakeFault } from './fake-server.js';
export { SECTORS, type Sector, type DialogueRecord, type Opening, type OutputFormat, type Usage } from './types.js';
