/**
 * sftforge as a library: the public API in one place. A pipeline is the same object a pipeline
 * file holds, `{name, steps: [{stage: NAME, ...options}, {branch: [...]}]}`:
 *
 *   import { runPipeline } from 'sftforge';
 *   const result = await runPipeline({ name: 'gpt4', steps: [
 *     { stage: 'read', paths: ['raw/'] }, { stage: 'clean' },
 *     { stage: 'filter_model', model: 'Model: GPT-4' }, { stage: 'dedup_exact' },
 *     { stage: 'write_jsonl', path: 'out/gpt4.jsonl' } ] });
 *   result.outputs[0].report.records_out;
 */
import './stages.js';
import { buildPipeline, type PipelineSpec } from './core/pipeline.js';
import type { RunResult } from './core/runner.js';
import { executeBuilt, type ExecOptions } from './exec/executor.js';
import { resolveShard } from './exec/shard.js';

export interface RunPipelineOptions extends ExecOptions {
  /** Folder relative paths resolve against (default the current directory). */
  cwd?: string;
  /** Read the rank from Slurm/Kubernetes/SFTFORGE_* variables when `shard` is not given (default false for a library call). */
  shardFromEnv?: boolean;
}

/**
 * Builds and runs a pipeline. Returns what each stage counted and, per writer, its output path and
 * report; undefined when this rank had already finished. Progress and tables stay off unless `quiet: false`.
 */
export async function runPipeline(spec: PipelineSpec, o: RunPipelineOptions = {}): Promise<RunResult | undefined> {
  const built = await buildPipeline(spec, { cwd: o.cwd });
  const shard = o.shard ?? (o.shardFromEnv ? resolveShard() : undefined);
  return executeBuilt(built, { quiet: true, ...o, shard });
}

// Engine: the contract, the registry, the runner, ranks.
export { buildPipeline, walk, type PipelineSpec, type StepSpec, type BuiltPipeline, type Node, type StageNode, type BranchNode } from './core/pipeline.js';
export { runBuilt, type RunOptions, type RunResult } from './core/runner.js';
export { mapStage, tapStage, type Stage, type StageContext, type Item, type MapResult } from './core/stage.js';
export { defineStage, registerStages, stageNames, loadStage, type StageDef, type StageScope, type StageOutput, type BuildEnv } from './core/registry.js';
export { StageStats, type StageStatsJson } from './core/stats.js';
export { OutputSet, committable, type Committable } from './core/outputs.js';
export { Report, reportTable, type ReportJson } from './core/report.js';
export { reject, isReject, formatPos, type Conversation, type Turn, type Role, type SourcePos, type Reject, type RejectMarker, type RejectReason } from './core/types.js';
export { SftforgeError, UsageError, InputError, ConfigError, EnvironmentError, describeFsError } from './core/errors.js';
export { execute, executeBuilt, mergeJob, rankPrefix, type ExecOptions, type MergeOptions } from './exec/executor.js';
export { resolveShard, rankTag, type ShardSpec } from './exec/shard.js';
export { loadPipelineFile, expand, type LoadedPipeline, type PipelinePart } from './exec/pipeline-file.js';

// Features usable on their own.
export { readRaw, readConversations } from './io/read.js';
export { normalizeRecord, toShareGpt } from './io/normalize.js';
export { convertRecord, convertFile, detectFormat, formatNames, resolveFormat, type FormatOptions } from './io/formats/index.js';
export { cleanConversation, type CleanOptions } from './clean/clean-conversation.js';
export { conversationHash, conversationKey, normalizeContent } from './dedup/exact.js';
export { lexTokenize, mtld, mtldTokens, computeStats, renderHtmlReport } from './stats/index.js';
export { pushDataset, buildDatasetCard, type PushOptions, type PushResult } from './hub/index.js';
