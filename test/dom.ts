/**
 * jsdom for the tests that read markup (the report page, its charts), typed as far as they use it: the project
 * compiles without the DOM library, and jsdom ships no types of its own.
 */

/** The part of a DOM element the tests read. */
export interface El {
    readonly id: string;
    readonly tagName: string;
    readonly textContent: string | null;
    readonly outerHTML: string;
    readonly children: { readonly length: number };
    readonly nextElementSibling: El | null;
    getAttribute(name: string): string | null;
    querySelector(selector: string): El | null;
    querySelectorAll(selector: string): Iterable<El> & { readonly length: number };
}

export interface Doc extends El {
    getElementById(id: string): El | null;
}

interface JsdomWindow {
    readonly document: Doc;
    readonly [name: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSDOM } = require("jsdom") as { JSDOM: new (html: string, options?: { runScripts?: "dangerously" }) => { window: JsdomWindow } };

/** The document of some HTML, its scripts not run. */
export function parseHtml(html: string): Doc {
    return new JSDOM(html).window.document;
}

/** The window of some HTML with its inline scripts run (jsdom's "dangerously": only the tests' own markup). */
export function runHtml(html: string): JsdomWindow {
    return new JSDOM(html, { runScripts: "dangerously" }).window;
}
