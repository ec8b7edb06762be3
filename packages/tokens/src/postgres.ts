/** Placeholder entry, filled in by the scale-out work of issue 19. */
export {};
