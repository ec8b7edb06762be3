/** The reader's own values in the @keel/tokens quick start. */
export const userInput = 'How many tokens does this question take, and what does the answer cost?';
export const userId = 'u1';
