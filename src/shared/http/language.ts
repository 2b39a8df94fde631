import type { Context } from 'koa';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../domain/language';

/**
 * The language a request asks for: `?lang=` first (`ko`, `en`, any case or region: `EN`, `en-US`), else the best-ranked Korean or English entry of
 * `Accept-Language` (`en-US;q=0.8` counts as English), else Korean.
 */
export function requestLanguage(ctx: Context): Language {
  const asked = askedLanguage(ctx.query.lang);
  if (asked) return asked;
  // The answer depends on the header: a shared cache must not hand one language's answer to the other.
  ctx.vary('Accept-Language');
  return preferredLanguage(ctx.get('accept-language'));
}

/** `?lang=`'s language, read as a language tag (`EN`, `en-US` are English); null when it names none we speak. */
export function askedLanguage(value: unknown): Language | null {
  if (typeof value !== 'string') return null;
  const primary = value.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : null;
}

export function preferredLanguage(acceptLanguage: string): Language {
  const ranked = acceptLanguage.split(',').slice(0, 20).map((entry, index) => {
    const [tag, ...params] = entry.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    return { primary: tag.trim().toLowerCase().split('-')[0], weight: Number.isFinite(weight) ? weight : 0, index };
  }).filter((e) => e.weight > 0).sort((a, b) => b.weight - a.weight || a.index - b.index);
  const match = ranked.find((e) => isLanguage(e.primary));
  return match ? (match.primary as Language) : DEFAULT_LANGUAGE;
}
