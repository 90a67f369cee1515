import type { DocumentNode } from 'graphql';

/**
 * The caches of documents (the gate's in gate.ts, Apollo's store in http.ts, the compiled
 * operations in jit.ts) are bounded by an estimate of the memory each entry holds, so that their
 * bounds are bounds on memory; what takes more than one line to estimate lives here. The fuzz run's
 * heap snapshot (4,000 documents, the portal's heap capped at 128 MB) found them holding
 * 44 + 17 + 16 MB where they counted 16 + 4 + (200 documents), and the portal out of memory.
 */

/**
 * What a document parsed as Apollo parses it (with locations) holds: its text, its tokens (each
 * location links to the document's whole token list, comments included) and its AST objects.
 * Measured with graphql 16 (document-memory.test.ts), against this estimate: the dashboard query
 * 16-18 KB (estimated 20; its JSON 3.7 KB), 2,000 comment lines around `{ __typename }` 271 KB
 * (271; its JSON 439 bytes), 500 aliased fields 1.98 MB (2.77; its JSON 492 KB). Apollo's
 * default measure, the JSON's length, let comment-padded documents fill 17 MB of a store counted
 * as 4.
 */
export function parsedDocumentBytes(document: DocumentNode): number {
  let tokens = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) tokens++;
  const text = document.loc?.source.body.length ?? 0;
  return text + 120 * tokens + 4 * JSON.stringify(document).length;
}

/**
 * `make()` with no stack captured for the errors it creates, for errors kept for long (a cached
 * refusal). An error keeps its stack's frames until something reads its stack, and with them
 * whatever those frames ran on: for an error reported during validation, the validation's
 * visitors, context and type info, tens of kilobytes per refused document.
 */
export function withoutStack<T>(make: () => T): T {
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = frames;
  }
}
