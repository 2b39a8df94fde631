// The README and docs/ are read in a clone of this repository: every relative link must land on a
// file (or folder) in it, and nothing may point at the team's notes outside it (../shared).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.isFile() && entry.name.endsWith('.md') ? [full] : [];
  });
}

const DOCUMENTS = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))];
const toRepo = (absolute: string) => path.relative(ROOT, absolute).split(path.sep).join('/');

/** Link targets of `[text](target)`, `![alt](target "title")` and `[label]: target`, outside code (where nothing is a link). */
export function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...references];
}

/** What is wrong with `target` as a link from `fromFile`, or null: relative links must resolve inside the repository. */
export function brokenLink(fromFile: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return null; // a URL (https:, mailto:) or an anchor on this page
  const pathPart = decodeURIComponent(target.replace(/[?#].*$/, ''));
  const resolved = pathPart.startsWith('/') ? path.join(ROOT, pathPart) : path.resolve(path.dirname(fromFile), pathPart);
  if (resolved !== ROOT && !resolved.startsWith(ROOT + path.sep)) return `${target} points outside the repository`;
  if (!existsSync(resolved)) return `${target} does not exist (${toRepo(resolved)})`;
  return null;
}

describe('README.md and docs/ (links a clone can follow)', () => {
  it('reads the README and the docs, and finds their links', () => {
    const names = DOCUMENTS.map(toRepo);
    expect(names).to.include.members(['README.md', 'docs/README.md', 'docs/architecture.md', 'docs/http-api.md', 'docs/state-machines.md']);
    const readmeLinks = linkTargets(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect(readmeLinks).to.include('docs/README.md');
    expect(DOCUMENTS.flatMap((file) => linkTargets(readFileSync(file, 'utf8'))).length).to.be.greaterThan(30);
  });

  it('tells a broken or escaping link from a good one', () => {
    const from = path.join(ROOT, 'docs', 'architecture.md');
    expect(linkTargets('see [the scale notes](scale.md#capacity), ![x](adr/none.png "t"), `[not](a-link.md)`\n\n[ref]: ../README.md\n'))
      .to.deep.equal(['scale.md#capacity', 'adr/none.png', '../README.md']);
    expect(brokenLink(from, 'scale.md#capacity')).to.equal(null);
    expect(brokenLink(from, '../src/payment')).to.equal(null);
    expect(brokenLink(from, 'https://developers.portone.io/api/rest-v1')).to.equal(null);
    expect(brokenLink(from, 'adr/none.png')).to.match(/does not exist/);
    expect(brokenLink(from, '../../shared/DESIGN.md')).to.match(/outside the repository/);
  });

  it('never points at ../shared', () => {
    const offenders = DOCUMENTS.flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (line.includes('../shared') ? [`${toRepo(file)}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders, 'references to ../shared, which a clone does not have').to.deep.equal([]);
  });

  it('names no place outside the repository: no web address but the gateways\' own API and script hosts the product calls', () => {
    const productHosts = new Set(['api.iamport.kr', 'cdn.iamport.kr', 'api.tosspayments.com', 'js.tosspayments.com', 'api.portone.io', 'cdn.portone.io', 'localhost', '127.0.0.1']);
    const offenders = DOCUMENTS.flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, i) =>
        [...line.matchAll(/https?:\/\/([^/\s:`)>"'\]]+)/g)]
          .filter((m) => !productHosts.has(m[1]) && !/(^|\.)example\.(com|org)$/.test(m[1]) && m[1] !== '…')
          .map((m) => `${toRepo(file)}:${i + 1}: ${m[0]}`)));
    expect(offenders, 'web addresses outside the repository').to.deep.equal([]);
    expect(/DESIGN(\.md)? ?§/.test(DOCUMENTS.map((file) => readFileSync(file, 'utf8')).join('\n')), 'a pointer to the team\'s design notes').to.equal(false);
  });

  it('links only to files that exist in the repository', () => {
    const broken = DOCUMENTS.flatMap((file) =>
      linkTargets(readFileSync(file, 'utf8')).flatMap((target) => {
        const problem = brokenLink(file, target);
        return problem ? [`${toRepo(file)}: ${problem}`] : [];
      }));
    expect(broken, 'broken relative links').to.deep.equal([]);
  });
});
