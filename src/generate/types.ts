/**
 * Types shared by the UltraChat-style generator: sectors, chat messages, usage, openings and the
 * dialogue record kept in the journal (format-neutral; the output writer renders it).
 */

/** The three UltraChat sectors. Output order is alphabetical, so ids sort the same way. */
export type Sector = 'world' | 'creation' | 'assistance';
export const SECTORS: readonly Sector[] = ['assistance', 'creation', 'world'];

/** Which configured model a request goes to. `openings` builds seed lists (topics, questions, instructions). */
export type ModelRole = 'user' | 'assistant' | 'openings';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Successful (2xx) responses paid for, rejected regenerations included. */
  requests: number;
}

export function zeroUsage(): Usage {
  return { prompt_tokens: 0, completion_tokens: 0, requests: 0 };
}

export function addUsage(into: Usage, u: Usage): Usage {
  into.prompt_tokens += u.prompt_tokens;
  into.completion_tokens += u.completion_tokens;
  into.requests += u.requests;
  return into;
}

/** One opening line (the first user turn) and where it came from. */
export interface Opening {
  sector: Sector;
  text: string;
  /** topic/subtopic/level for world; material_type/detailed for creation; doc/kind/template for assistance. */
  meta: Record<string, unknown>;
}

/** A finished dialogue as journaled: the output writer renders it as UltraChat or ShareGPT. */
export interface DialogueRecord {
  id: string;
  sector: Sector;
  index: number;
  /** u1, a1, u2, a2, ... always an even number of turns, starting with the user. */
  data: string[];
  meta: Record<string, unknown>;
}

export type OutputFormat = 'ultrachat' | 'sharegpt';
