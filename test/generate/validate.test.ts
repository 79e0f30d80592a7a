import { describe, expect, it } from 'vitest';
import { loadGenerateConfig } from '../../src/generate/config.js';
import { checkReply, cleanUserTurn, compileRules } from '../../src/generate/validate.js';

const rules = compileRules(loadGenerateConfig().rejection);
const user = (content: string, finishReason: string | null = 'stop') => checkReply('user', { content, finishReason }, rules);
const assistant = (content: string, finishReason: string | null = 'stop') => checkReply('assistant', { content, finishReason }, rules);

describe('turn rejection rules', () => {
  it('empty and length-cut replies, for both roles', () => {
    expect(user('   ')).toBe('empty_reply');
    expect(assistant('')).toBe('empty_reply');
    expect(assistant('A long answer that was cut', 'length')).toBe('truncated_reply');
    expect(user('Tell me more', 'length')).toBe('truncated_reply');
  });

  it.each(['Thank you!', 'Thanks so much for your help!', "You're welcome.", 'Thank you, that was really helpful. Have a great day!', 'Ok, got it, thanks!', '👍 Thanks!!'])(
    'politeness only: %s',
    (t) => {
      expect(user(t)).toBe('politeness_only');
      expect(assistant(t)).toBe('politeness_only');
    },
  );

  it.each([
    'Thanks! Can you also tell me how long it takes to learn?',
    'Great, what about the cost of living there?',
    'Okay, but why does the moon look bigger near the horizon?',
    "Sure, I'd like that. Could you make it a bit shorter?",
    'Of course I would go there in summer. Is it crowded then?',
  ])('a thanks that carries a question is kept: %s', (t) => {
    expect(user(t)).toBeNull();
  });

  it.each([
    'Sure, here are some tips for improving your sleep: go to bed early.',
    'As an AI, I would suggest reading more.',
    'Here are some ideas you could try: running, swimming.',
    "I'd be happy to help you with that!",
    'Hope this helps! Let me know.',
    'Yes:\n1. first\n2. second\n3. third\n4. fourth',
  ])('user turn answering like an assistant: %s', (t) => {
    expect(user(t)).toBe('user_answers_like_assistant');
  });

  it('an over-long user turn answers like an assistant', () => {
    expect(user('word '.repeat(400))).toBe('user_answers_like_assistant');
  });

  it.each(["I'm sorry, but I can't help with that request.", 'I cannot assist with that.', 'As an AI language model, I cannot browse the internet.', "Sorry, but I won't do that."])(
    'assistant refusal: %s',
    (t) => {
      expect(assistant(t)).toBe('assistant_refusal');
    },
  );

  it('keeps ordinary turns, including an assistant that starts with "Sure"', () => {
    expect(user("Hmm, I'm not really a fan of weightlifting though. Can I do something else?")).toBeNull();
    expect(assistant('Sure! Here are three ways to improve your running time:\n1. Intervals\n2. Hills\n3. Rest')).toBeNull();
    expect(assistant("I'm sorry to hear that your knee hurts. Here is what usually helps: rest and ice.")).toBeNull();
  });
});

describe('cleanUserTurn', () => {
  it('strips a role label and wrapping quotes, and says so', () => {
    expect(cleanUserTurn('User: What about cats?', 'User')).toEqual({ text: 'What about cats?', repaired: true });
    expect(cleanUserTurn('**User:** "What about cats?"', 'User')).toEqual({ text: 'What about cats?', repaired: true });
    expect(cleanUserTurn('What about "cats" and "dogs"?', 'User')).toEqual({ text: 'What about "cats" and "dogs"?', repaired: false });
  });
});
