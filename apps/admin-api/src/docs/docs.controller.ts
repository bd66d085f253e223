/** GET /docs/openapi.json (the OpenAPI document) and GET /docs (a page listing the routes, linking the JSON). */
import { Controller, Get, Header } from '@nestjs/common';
import { OPENAPI_DOCUMENT } from './openapi.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(): string {
  const rows = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => method !== 'parameters')
      .map(([method, op]) => `<tr><td>${method.toUpperCase()}</td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml((op as { summary: string }).summary)}</td></tr>`),
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>${OPENAPI_DOCUMENT.info.title}</title></head><body>
<h1>${OPENAPI_DOCUMENT.info.title}</h1><p>${escapeHtml(OPENAPI_DOCUMENT.info.description)}</p>
<p>OpenAPI 3 document: <a href="/docs/openapi.json">/docs/openapi.json</a></p>
<table><thead><tr><th>method</th><th>path</th><th>what</th></tr></thead><tbody>${rows.join('')}</tbody></table></body></html>`;
}

@Controller('docs')
export class DocsController {
  private readonly html = page();

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  index(): string {
    return this.html;
  }

  @Get('openapi.json')
  document(): typeof OPENAPI_DOCUMENT {
    return OPENAPI_DOCUMENT;
  }
}
