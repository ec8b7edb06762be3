/**
 * The benchmark corpora, built deterministically from files already in the repository's
 * install (no network): about 1 MB (UTF-8) each of English prose, source code and CJK text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const SIZE = 1_000_000;
const require = createRequire(import.meta.url);
const encoder = new TextEncoder();

/** Cuts `text` to at most `bytes` UTF-8 bytes, on a character boundary. */
function cut(text: string, bytes: number): string {
  let end = Math.min(text.length, bytes);
  while (encoder.encode(text.slice(0, end)).length > bytes) end -= 1_000;
  return text.slice(0, end);
}

/** English prose: the READMEs of the installed packages, sorted by path, code blocks removed. */
function prose(): string {
  // pnpm's store: <store>/typescript@x/node_modules/typescript
  const store = join(dirname(require.resolve('typescript/package.json')), '..', '..', '..');
  const readmes: string[] = [];
  for (const entry of readdirSync(store).sort()) {
    const modules = join(store, entry, 'node_modules');
    let names: string[];
    try {
      names = readdirSync(modules).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        readmes.push(readFileSync(join(modules, name, 'README.md'), 'utf8'));
      } catch {
        // packages without a README, and scope folders
      }
    }
  }
  const text = readmes.join('\n\n').replace(/```[\s\S]*?```/g, '');
  return cut(text, SIZE);
}

/** Source code: TypeScript's compiler, as shipped. */
function code(): string {
  const file = join(dirname(require.resolve('typescript/package.json')), 'lib', 'typescript.js');
  return cut(readFileSync(file, 'utf8'), SIZE);
}

// Frequent Chinese characters, and Japanese kana, drawn with a seeded generator.
const HANZI =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';
const KANA =
  'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソ';
const PUNCTUATION = '，。、；：？！';

/** CJK text: sentences of frequent hanzi with some kana, from a seeded generator. */
function cjk(): string {
  let seed = 0x2545f491;
  const next = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const parts: string[] = [];
  let bytes = 0;
  while (bytes < SIZE + 1_000) {
    const length = 6 + next(30);
    let sentence = '';
    const alphabet = next(5) === 0 ? KANA : HANZI;
    for (let i = 0; i < length; i++) sentence += alphabet[next(alphabet.length)];
    sentence += PUNCTUATION[next(PUNCTUATION.length)];
    if (next(8) === 0) sentence += '\n';
    parts.push(sentence);
    bytes += encoder.encode(sentence).length;
  }
  return cut(parts.join(''), SIZE);
}

/** The three corpora by name. */
export function loadCorpora(): Record<'prose' | 'code' | 'cjk', string> {
  return { prose: prose(), code: code(), cjk: cjk() };
}
