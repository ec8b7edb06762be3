import { describe, expect, it } from 'vitest';
import { statedFacts } from './stated-facts';

const said = (content: string, role: 'user' | 'assistant' = 'user') =>
  statedFacts([{ turn: 7, message: { role, content } }]).map(({ subject, statement }) => [
    subject,
    statement,
  ]);

describe('statedFacts', () => {
  it('takes what the user plainly states in the first person', () => {
    expect(said('Hi! By the way, my dog is called Biscuit.')).toEqual([
      ['dog', "The user's dog is called Biscuit."],
    ]);
    expect(said('I live in Lisbon. I use Helix as my editor')).toEqual([
      ['live', 'The user lives in Lisbon.'],
      ['use', 'The user uses Helix as their editor.'],
    ]);
    expect(said('Please remember that the staging key rotates on Mondays.')).toEqual([
      ['the staging key rotates', 'The staging key rotates on Mondays.'],
    ]);
  });

  it('leaves out questions, the assistant and everything else', () => {
    expect(said('What is my dog called?')).toEqual([]);
    expect(said('Is my plan enough?')).toEqual([]);
    expect(said('My dog is called Biscuit.', 'assistant')).toEqual([]);
    expect(said('How do retries work with a timeout?')).toEqual([]);
  });

  it('records the turn, the user scope and a modest confidence', () => {
    expect(
      statedFacts([{ turn: 3, message: { role: 'user', content: 'I work at Acme.' } }]),
    ).toEqual([
      {
        subject: 'work',
        statement: 'The user works at Acme.',
        confidence: 0.6,
        scope: 'user',
        turn: 3,
        supersedes: [],
      },
    ]);
  });
});
