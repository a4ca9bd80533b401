/**
 * What a customer's WhatsApp message asks for, read the way a receptionist would: tolerant of
 * accents, case, punctuation and small typos, but never guessing. A question, a negated command
 * ("não quero cancelar"), two commands at once or anything long and free-form is `unknown`, and is
 * left for the business to read. Pure: the table test holds every phrasing.
 */
export type Intent = 'confirm' | 'cancel' | 'reschedule' | 'stop' | 'resume' | 'help' | 'unknown';

/** Phrases per intent, normalized (lowercase, no accents). Longer phrases win over the words in them. */
const PHRASES: Record<Exclude<Intent, 'unknown'>, string[]> = {
  stop: [
    'nao quero mais receber',
    'nao quero receber',
    'nao quero mais mensagens',
    'nao me mande mais',
    'nao mande mais',
    'nao envie mais',
    'parar de receber',
    'cancelar inscricao',
    'remover meu numero',
    'tirar meu numero',
    'descadastrar',
    'sair',
    'parar',
    'pare',
    'stop',
  ],
  resume: ['voltar a receber', 'quero voltar a receber', 'quero receber de novo', 'voltar', 'volta'],
  cancel: [
    'nao vou poder ir',
    'nao vou poder',
    'nao vou conseguir ir',
    'nao vou conseguir',
    'nao consigo ir',
    'nao poderei ir',
    'nao poderei',
    'nao vou mais',
    'nao posso ir',
    'nao posso',
    'nao vou',
    'quero cancelar',
    'pode cancelar',
    'cancelar',
    'cancela',
    'cancelo',
    'cancelado',
    'desmarcar',
    'desmarca',
    'desmarco',
  ],
  reschedule: [
    'mudar o horario',
    'mudar horario',
    'mudar a data',
    'trocar o horario',
    'trocar horario',
    'trocar a data',
    'outro horario',
    'outro dia',
    'remarcar',
    'remarca',
    'reagendar',
    'reagenda',
    'adiar',
  ],
  confirm: [
    'confirmo presenca',
    'confirmo meu agendamento',
    'estarei la',
    'vou sim',
    'estarei sim',
    'pode confirmar',
    'com certeza',
    'pode ser',
    'confirmo',
    'confirmado',
    'confirmada',
    'confirmar',
    'confirma',
    'sim',
    'simm',
    'ss',
    'ok',
    'okay',
    'beleza',
    'blz',
    'certo',
    'combinado',
    'claro',
    'fechado',
    'vou',
  ],
  help: ['ajuda', 'help', 'menu', 'opcoes', 'opcao'],
};

/** Words typed wrong often enough to deserve one slip (one letter added, dropped or changed). */
const TYPO_TOLERANT = [
  'confirmo',
  'confirmar',
  'confirmado',
  'cancelar',
  'cancela',
  'cancelo',
  'remarcar',
  'reagendar',
  'desmarcar',
  'descadastrar',
];

const NEGATIONS = new Set(['nao', 'nem', 'jamais', 'nunca']);
const CONFIRM_EMOJI = /^(?:👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|👌|🆗|✔️|✔)+$/u;
const CANCEL_EMOJI = /^(?:❌|🚫|✖️)+$/u;
const MAX_WORDS = 20;

export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** A typo'd word becomes the word it was meant to be ("comfirmo" → "confirmo"). */
function correct(word: string): string {
  if (word.length < 6) return word;
  return TYPO_TOLERANT.find((w) => w === word || withinOneEdit(w, word)) ?? word;
}

interface Match {
  intent: Exclude<Intent, 'unknown'>;
  phrase: string;
  negated: boolean;
}

/** Assent that also opens a sentence ("sim, pode cancelar", "ok, quero remarcar"): it yields to a command. */
const WEAK_CONFIRM = new Set([
  'sim',
  'simm',
  'ss',
  'ok',
  'okay',
  'vou',
  'beleza',
  'blz',
  'certo',
  'claro',
  'pode ser',
  'combinado',
  'fechado',
]);

const ORDERED = (Object.entries(PHRASES) as [Exclude<Intent, 'unknown'>, string[]][])
  .flatMap(([intent, phrases]) => phrases.map((p) => ({ intent, words: p.split(' ') })))
  .sort((a, b) => b.words.length - a.words.length);

function matches(words: string[]): Match[] {
  const found: Match[] = [];
  const used = new Array<boolean>(words.length).fill(false);
  for (const phrase of ORDERED) {
    for (let at = 0; at + phrase.words.length <= words.length; at++) {
      if (phrase.words.some((w, k) => used[at + k] || words[at + k] !== w)) continue;
      for (let k = 0; k < phrase.words.length; k++) used[at + k] = true;
      const before = words[at - 1];
      found.push({
        intent: phrase.intent,
        phrase: phrase.words.join(' '),
        negated: before !== undefined && NEGATIONS.has(before),
      });
    }
  }
  return found;
}

const isCode = (word: string) => /^[0-9a-f]{8}$/.test(word) && /[0-9]/.test(word);
/** The words without a booking code ("2 a1b2c3d4", "confirmo #A1B2 C3D4"): the code picks the booking, not what to do with it. */
function withoutCode(words: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (isCode(words[i]!)) continue;
    if (i + 1 < words.length && words[i]!.length === 4 && isCode(words[i]! + words[i + 1]!)) i++;
    else kept.push(words[i]!);
  }
  return kept;
}

export function readIntent(text: string): Intent {
  const raw = text.trim();
  if (raw === '') return 'unknown';
  const compact = raw.replace(/\s+/g, '');
  if (CONFIRM_EMOJI.test(compact)) return 'confirm';
  if (CANCEL_EMOJI.test(compact)) return 'cancel';
  const words = withoutCode(normalize(raw).split(' ').filter(Boolean)).map(correct);
  if (words.length === 0) return 'unknown';
  // The menu's numbers: "1", "2.", "opção 3".
  const menu = words.length === 1 ? words[0] : words.length === 2 && words[0] === 'opcao' ? words[1] : undefined;
  if (menu === '1') return 'confirm';
  if (menu === '2') return 'cancel';
  if (menu === '3') return 'reschedule';
  // A question is not an order ("posso cancelar?"): a person answers it.
  if (raw.includes('?'))
    return words.length <= 2 && matches(words).some((m) => m.intent === 'help') ? 'help' : 'unknown';
  if (words.length > MAX_WORDS) return 'unknown';
  const found = matches(words);
  if (found.length === 0 || found.some((m) => m.negated)) return 'unknown';
  const strong = found.filter((m) => !(m.intent === 'confirm' && WEAK_CONFIRM.has(m.phrase)));
  const intents = new Set((strong.length > 0 ? strong : found).map((m) => m.intent));
  // One command, said once or many times; any mixture ("confirmo, quero remarcar") is not guessed.
  return intents.size === 1 ? [...intents][0]! : 'unknown';
}
