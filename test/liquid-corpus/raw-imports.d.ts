/** Vite's `?raw` imports: the file's text, so the corpus test reads expected.jsonl and divergences.md inside workerd. */
declare module "*?raw" {
  const text: string;
  export default text;
}
