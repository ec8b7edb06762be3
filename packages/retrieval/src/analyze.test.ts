import { createRequire } from 'node:module';
import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { americanWords, createAnalyzer, identifierParts, identifierWords } from './analyze';
import { formatAnalyzer } from './analyzer-descriptor';
import { legacyAnalyzer } from './legacy-analyzer';
import { SNOWBALL_VERSION } from './snowball-stem';
import { ENGLISH_STOP_WORDS } from './stop-words';

const analyze = createAnalyzer({ identifiers: true });
/** The retriever's analyzer with stemming and stop words. */
const full = createAnalyzer({ identifiers: true, stemming: true, stopWords: true });

describe('createAnalyzer with identifiers', () => {
  it('keeps a code identifier whole and adds its words', () => {
    expect(analyze('createRedisBudget')).toEqual([
      'createredisbudget',
      'create',
      'redis',
      'budget',
    ]);
    expect(analyze('BudgetExceededError')).toEqual([
      'budgetexceedederror',
      'budget',
      'exceeded',
      'error',
    ]);
    expect(analyze('max_tokens')).toEqual(['max_tokens', 'max', 'tokens']);
    expect(analyze('DEFAULT_REDACTION_RULES')).toEqual([
      'default_redaction_rules',
      'default',
      'redaction',
      'rules',
    ]);
    expect(analyze('HTTPServer')).toEqual(['httpserver', 'http', 'server']);
    expect(analyze('keel.cost_usd')).toEqual(['keel.cost_usd', 'keel', 'cost', 'usd']);
    expect(analyze('retriever.retrieve')).toEqual(['retriever.retrieve', 'retriever', 'retrieve']);
    expect(analyze('keel-mock')).toEqual(['keel-mock', 'keel', 'mock']);
  });

  it('keeps letters and digits together, and reads Unicode case', () => {
    expect(analyze('gpt4o p50 GPT4o')).toEqual(['gpt4o', 'p50', 'gpt4o']);
    expect(analyze('v2Client base64Encode')).toEqual([
      'v2client',
      'v2',
      'client',
      'base64encode',
      'base64',
      'encode',
    ]);
    expect(analyze('ÉtatCivil')).toEqual(['etatcivil', 'etat', 'civil']);
    expect(createAnalyzer({ identifiers: true, folding: false })('ÉtatCivil')).toEqual([
      'étatcivil',
      'état',
      'civil',
    ]);
    expect(identifierParts('XMLHttpRequest')).toEqual(['XML', 'Http', 'Request']);
  });

  it('reads a plural acronym as written and as its acronym, which Porter2 leaves apart', () => {
    expect(identifierParts('PDFs')).toEqual(['PDFs']);
    expect(identifierParts('getURLs')).toEqual(['get', 'URLs']);
    expect(identifierParts('IDs')).toEqual(['IDs']);
    expect(identifierParts('HTTPSocket')).toEqual(['HTTP', 'Socket']);
    expect(identifierParts('AWSSession')).toEqual(['AWS', 'Session']);
    // An `s` that begins the next word is no plural.
    expect(identifierParts('readJSONAsText')).toEqual(['read', 'JSON', 'As', 'Text']);
    expect(identifierParts('checkIfURLIsValid')).toEqual(['check', 'If', 'URL', 'Is', 'Valid']);
    // Read as `LLMs` is: a run of capitals ending in `Ms` is a plural.
    expect(identifierParts('cacheTTLMs')).toEqual(['cache', 'TTLMs']);
    expect(identifierParts('As')).toEqual(['As']);
    expect(full('LLMs read PDFs and APIs')).toEqual(['llms', 'llm', 'read', 'pdfs', 'pdf', 'api']);
    expect(full('LLM PDF API pdfs')).toEqual(['llm', 'pdf', 'api', 'pdfs']);
    expect(full("the PDFs' pages")).toEqual(['pdfs', 'pdf', 'page']);
    expect(full('get_PDFs')).toEqual(['get_pdfs', 'get', 'pdfs', 'pdf']);
    expect(full('readJSONAsText')).toEqual(['readjsonastext', 'read', 'json', 'text']);
    const plain = createAnalyzer({ identifiers: true });
    expect(plain('IDs')).toEqual(['ids', 'id']);
    expect(plain('Ss OS')).toEqual(['ss', 'os']);
  });

  it('records the version of its identifier rules', () => {
    expect(createAnalyzer({ identifiers: true }).descriptor).toMatchObject({
      identifiers: true,
      identifierRules: 2,
    });
    expect(createAnalyzer().descriptor).not.toHaveProperty('identifierRules');
    expect(formatAnalyzer(createAnalyzer({ identifiers: true }).descriptor)).toMatch(
      /identifiers on \(rules 2\)$/,
    );
    expect(() => createAnalyzer({ identifiers: 'v2' as unknown as boolean })).toThrow(
      /identifiers must be true or false, got "v2"/,
    );
  });

  it('stems and stop-lists the words, never the whole identifier', () => {
    expect(full('isIndexing the max_tokens')).toEqual([
      'isindexing',
      'index',
      'max_tokens',
      'max',
      'token',
    ]);
  });

  it('leaves plain words, punctuation and odd input as the plain analyzer does', () => {
    const plain = createAnalyzer();
    for (const text of [
      'What does it do?',
      '',
      '  ...  ',
      '___ -- ..',
      'Über straße',
      '__proto__',
    ]) {
      expect(analyze(text)).toEqual(plain(text));
    }
    expect(createAnalyzer()('createRedisBudget')).toEqual(['createredisbudget']);
    expect(identifierWords('Call createRedisBudget with max_tokens')).toBe(
      'create Redis Budget max tokens',
    );
    expect(identifierWords('no identifiers here')).toBe('');
    // PostgreSQL's stemmer leaves `pdfs` as it is: the acronym is indexed beside it.
    expect(identifierWords('LLMs read PDFs via get_URLs')).toBe('LLM PDF get URLs URL');
  });
});

describe('createAnalyzer stemming', () => {
  const english = createAnalyzer({ stemming: true });
  const same = (a: string, b: string) => expect(english(a)).toEqual(english(b));

  it('stems English with Porter2 (Snowball), which merges what the light stemmer left apart', () => {
    same('compressible', 'compressibility');
    same('indexing', 'indexes');
    same('generously', 'generous');
    expect(english('compressible compressibility')).toEqual(['compress', 'compress']);
    expect(english('knightly dying caresses ponies')).toEqual(['knight', 'die', 'caress', 'poni']);
    const light = createAnalyzer({ stemming: 'light' });
    expect(light('compressible compressibility')).toEqual(['compressible', 'compressibility']);
    expect(light('indexing running class')).toEqual(['index', 'run', 'class']);
  });

  it('leaves theory and theoretical apart, as every Porter stemmer does', () => {
    // Porter2 stops at `theori` and `theoret`: merging them needs a lemmatizer, not a stemmer.
    expect(english('theory theoretical')).toEqual(['theori', 'theoret']);
  });

  it('stems each Snowball language with its own rules', () => {
    expect(createAnalyzer({ language: 'french', stemming: true })('continuellement')).toEqual([
      'continuel',
    ]);
    expect(createAnalyzer({ language: 'german', stemming: true })('Häuser aufgeführt')).toEqual([
      'haus',
      'aufgefuhrt',
    ]);
    expect(createAnalyzer({ language: 'russian', stemming: true })('книгами')).toEqual(['книг']);
  });

  it('records the stemmer and its version in the descriptor, the package version checked', () => {
    const installed = createRequire(import.meta.url)('snowball-stemmers/package.json') as {
      version: string;
    };
    expect(SNOWBALL_VERSION).toBe(installed.version);
    expect(english.descriptor).toEqual({
      language: 'english',
      stemmer: { name: 'snowball-english', version: SNOWBALL_VERSION },
      stopWords: null,
      folding: true,
      identifiers: false,
    });
    expect(createAnalyzer({ stemming: 'light' }).descriptor.stemmer).toEqual({
      name: 'keel-light',
      version: '1',
    });
    expect(createAnalyzer().descriptor.stemmer).toBeNull();
    expect(JSON.parse(JSON.stringify(english.descriptor))).toEqual(english.descriptor);
  });
});

describe('createAnalyzer folding', () => {
  it('normalises to NFKC and removes Latin and Greek diacritics, keeping other marks', () => {
    const analyze = createAnalyzer();
    expect(analyze('café')).toEqual(analyze('cafe'));
    expect(analyze('Café naïve ﬁle Ｖ２ Straße Øre')).toEqual([
      'cafe',
      'naive',
      'file',
      'v2',
      'strasse',
      'ore',
    ]);
    expect(analyze('cafe\u0301')).toEqual(['cafe']);
    expect(analyze('ἀλήθεια йогурт हिन्दी')).toEqual(['αληθεια', 'йогурт', 'हिन्दी']);
    expect(createAnalyzer({ folding: false })('Café ﬁle')).toEqual(['café', 'ﬁle']);
  });

  it('stems the word with its diacritics, then folds the stem', () => {
    const french = createAnalyzer({ language: 'french', stemming: true });
    expect(french('préférées')).toEqual(french('préférés'));
    expect(french('préférées')).toEqual(['prefer']);
  });
});

describe('createAnalyzer stop words', () => {
  it('uses the language list for true, and Lucene or Keel lists by name', () => {
    const text = 'the report is not about such things with them';
    expect(createAnalyzer({ stopWords: true })(text)).toEqual(['report', 'things']);
    expect(createAnalyzer({ stopWords: 'lucene' })(text)).toEqual([
      'report',
      'about',
      'things',
      'them',
    ]);
    expect(createAnalyzer({ stopWords: 'keel' })(text)).toEqual([
      'report',
      'not',
      'about',
      'such',
      'things',
    ]);
    expect(createAnalyzer({ stopWords: 'keel' }).descriptor.stopWords).toMatch(
      /^keel-english-[0-9a-f]{12}$/,
    );
    expect(ENGLISH_STOP_WORDS.has('the')).toBe(true);
  });

  it('has stop words per language, matched with or without diacritics', () => {
    const french = createAnalyzer({ language: 'french', stopWords: true });
    expect(french('Nous avons été au café où il était')).toEqual(['cafe']);
    expect(french('nous avons ete')).toEqual([]);
    expect(
      createAnalyzer({ language: 'german', stopWords: true })('Die Häuser wären schön'),
    ).toEqual(['hauser', 'schon']);
    expect(createAnalyzer({ language: 'spanish', stopWords: true })('el libro de la casa')).toEqual(
      ['libro', 'casa'],
    );
    expect(
      createAnalyzer({ language: 'russian', stopWords: true, stemming: true })('книги и журналы'),
    ).toEqual(['книг', 'журнал']);
  });

  it('names your own list by a digest of its words', () => {
    const own = createAnalyzer({ stopWords: ['Fox', 'dog'] });
    expect(own('the fox and the DOG')).toEqual(['the', 'and', 'the']);
    expect(own.descriptor.stopWords).toBe(
      createAnalyzer({ stopWords: ['dog', 'fox'] }).descriptor.stopWords,
    );
    expect(own.descriptor.stopWords).not.toBe(
      createAnalyzer({ stopWords: ['fox'] }).descriptor.stopWords,
    );
  });

  it('rejects what a language does not have, saying what to pass', () => {
    expect(() => createAnalyzer({ language: 'french', stopWords: 'lucene' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createAnalyzer({ language: 'basque', stopWords: true })).toThrow(
      /No built-in stop words for basque; pass/,
    );
    expect(() => createAnalyzer({ language: 'french', stemming: 'light' })).toThrow(
      /light stemmer is for English/,
    );
    expect(() => createAnalyzer({ language: 'klingon' as 'english' })).toThrow(/language must be/);
    expect(() => createAnalyzer({ stemming: 'porter' as 'light' })).toThrow(/stemming must be/);
    expect(createAnalyzer({ language: 'basque', stemming: true })('etxeak')).toHaveLength(1);
  });
});

describe('createAnalyzer spelling', () => {
  const spelled = createAnalyzer({ identifiers: true, stemming: true, spelling: true });
  const same = (a: string, b: string) => expect(spelled(a)).toEqual(spelled(b));

  it('reads British spellings as American ones, with or without stemming', () => {
    same('normalise', 'normalize');
    same('normalised usage', 'normalized usage');
    same('organisation', 'organization');
    same('tokeniser', 'tokenizer');
    same('behaviour', 'behavior');
    same('behavioural', 'behavioral');
    same('favourite colour', 'favorite color');
    same('analyse', 'analyze');
    same('paralysed', 'paralyzed');
    same('model catalogue', 'model catalog');
    same('defence', 'defense');
    same('licence', 'license');
    same('centre', 'center');
    same('judgement', 'judgment');
    for (const [british, american] of [
      ['cataloguing', 'cataloging'],
      ['greyed out', 'grayed out'],
      ['practised', 'practiced'],
      ['organisational', 'organizational'],
      ['colourise', 'colorize'],
      ['neighbourhood', 'neighborhood'],
      ['unfavourable', 'unfavorable'],
      ['analysable', 'analyzable'],
      ["the organisation's behaviour", "the organization's behavior"],
    ] as const)
      same(british, american);
    expect(createAnalyzer({ spelling: true })('Normalised behaviour catalogue')).toEqual([
      'normalized',
      'behavior',
      'catalog',
    ]);
    // Without the option, they stay apart.
    expect(full('normalise')).not.toEqual(full('normalize'));
  });

  it('reads each part of an identifier, keeping the whole as written', () => {
    expect(createAnalyzer({ identifiers: true, spelling: true })('normaliseUsage')).toEqual([
      'normaliseusage',
      'normalize',
      'usage',
    ]);
    expect(spelled('normaliseUsage').slice(1)).toEqual(spelled('normalizeUsage').slice(1));
  });

  it('leaves words American English also writes with -ise, and the words they stem with', () => {
    const plain = createAnalyzer({ spelling: true });
    for (const word of [
      'advise',
      'promise',
      'precise',
      'exercise',
      'otherwise',
      'surprising',
      'raised',
      'noise',
      'analysis',
      'hour',
      'four',
      'contour',
      'tour',
      'imprecise',
      'appraise',
      'unsupervised',
      'pairwise',
      'stepwise',
    ])
      expect(plain(word)).toEqual([word]);
    same('precise', 'precision');
    same('revise', 'revision');
    same('imprecise', 'imprecision');
    // A stop word is one in either spelling.
    expect(createAnalyzer({ spelling: true, stopWords: ['color'] })('colour color hue')).toEqual([
      'hue',
    ]);
  });

  it('lists the American spellings of a text for an engine with its own parser', () => {
    expect(americanWords('Usage is normalised by normalise Usage and a catalogue')).toBe(
      'normalized normalize catalog',
    );
    expect(americanWords('Usage is normalized')).toBe('');
  });

  it('records the version of its rules only when on, so other descriptors read as before', () => {
    expect(createAnalyzer({ spelling: true }).descriptor).toMatchObject({ spellingRules: 1 });
    expect(createAnalyzer().descriptor).not.toHaveProperty('spellingRules');
    expect(formatAnalyzer(createAnalyzer({ spelling: true }).descriptor)).toMatch(
      /, spelling american \(rules 1\)$/,
    );
    expect(formatAnalyzer(createAnalyzer().descriptor)).toBe(
      'language english, stemmer none, stop words none, folding on, identifiers off',
    );
  });

  it('rejects a value that is not a boolean, and a language other than English', () => {
    expect(() => createAnalyzer({ spelling: 'uk' as unknown as boolean })).toThrow(
      /spelling must be true or false, got "uk"/,
    );
    expect(() => createAnalyzer({ language: 'french', spelling: true })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createAnalyzer({ language: 'french', spelling: true })).toThrow(
      /leave it off for french/,
    );
  });
});

describe('legacyAnalyzer', () => {
  it('reads options as the first release read them: light stemmer, Keel stop words, no folding, no identifiers', () => {
    const options = { stemming: true, stopWords: true, identifiers: true } as const;
    expect(formatAnalyzer(legacyAnalyzer(options))).toBe(
      formatAnalyzer(
        createAnalyzer({ stemming: 'light', stopWords: 'keel', folding: false }).descriptor,
      ),
    );
    const earlier = createAnalyzer({ stemming: 'light', stopWords: 'keel', folding: false });
    expect(earlier('The Indexing of createRedisBudget')).toEqual(['index', 'createredisbudget']);
  });
});
