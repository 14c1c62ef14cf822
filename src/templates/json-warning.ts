/**
 * A jsonlint-style warning for a JSON body that does not parse: the message
 * names the line and column, so a user can find the stray quote or comma.
 * Returns null when the body is valid JSON. (V8's JSON.parse messages carry
 * no position in workerd, so a small scanner finds where parsing stops.)
 */
export function jsonSyntaxWarning(body: string, field = "body"): string | null {
  try {
    JSON.parse(body);
    return null;
  } catch {
    const { offset, expected } = findJsonError(body);
    const { line, column } = lineAndColumn(body, offset);
    const found = offset < body.length ? JSON.stringify(body[offset]) : "end of input";
    return `${field} is not valid JSON at line ${line}, column ${column}: expected ${expected}, found ${found}`;
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}

class JsonStop extends Error {
  constructor(readonly offset: number, readonly expected: string) {
    super(expected);
  }
}

/** Walks the text as JSON and reports the first offset where it stops being JSON. */
function findJsonError(text: string): { offset: number; expected: string } {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const fail = (expected: string): never => {
    throw new JsonStop(i, expected);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail("a value");
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] ?? "")) fail("an escape sequence");
      } else if (text.charCodeAt(i) < 0x20) fail("a closing quote");
      i++;
    }
    if (i >= text.length) fail("a closing quote");
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === "" || match[0] === "-") fail("a value");
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const char = text[i];
    if (char === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail("a property name in double quotes");
        string();
        ws();
        if (text[i] !== ":") fail("':'");
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail("',' or '}'");
      }
    }
    if (char === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail("',' or ']'");
      }
    }
    if (char === '"') return string();
    if (char === "t") return literal("true");
    if (char === "f") return literal("false");
    if (char === "n") return literal("null");
    return number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail("end of input");
    return { offset: i, expected: "valid JSON" };
  } catch (err) {
    if (err instanceof JsonStop) return { offset: err.offset, expected: err.expected };
    throw err;
  }
}
