import { describe, expect, it } from 'vitest';
import { neutralise, renderFor, renderTemplate } from '../src/render.ts';

const base = {
  template: 'Olá, {cliente}! {servico} com {profissional} em {negocio}, {data} às {hora}.',
  tenantName: 'Barbearia do Zé (zeh.com.br)',
  timezone: 'America/Sao_Paulo',
  customerName: 'Ana',
  service: 'Corte',
  professional: 'Bia',
  startsAt: new Date('2030-12-02T17:30:00Z'),
};

describe('customer text in messages', () => {
  it.for<[string, string]>([
    [
      'Olá, seu PIX foi bloqueado, regularize em https://pix-regulariza.top/ana',
      'Olá, seu PIX foi bloqueado, regularize em [link removido]',
    ],
    ['Ana acesse www.banco-seguro.net agora', 'Ana acesse [link removido] agora'],
    ['Ana pix-regulariza.com/x?y=1', 'Ana [link removido]'],
    ['Ana bit.ly/abc', 'Ana [link removido]'],
    ['Ana wa.me/5511987654321', 'Ana [link removido]'],
    ['Ana golpe。com', 'Ana [link removido]'],
    ['Ana golpe．com．br', 'Ana [link removido]'],
    ['Ana HTTP://EXEMPLO.COM', 'Ana [link removido]'],
    ['Ana contato@golpe.com', 'Ana [link removido]'],
    ['Ana ligue (11) 98765-4321', 'Ana ligue [número removido]'],
    ['Ana +55 11 9 8765 4321', 'Ana [número removido]'],
    ['Ana 11.98765.4321 ou 1198765-4321', 'Ana [número removido] ou [número removido]'],
    ['Ana ligue ١١٩٨٧٦٥٤٣٢١', 'Ana ligue [número removido]'],
    ['Ana １１９８７６５４３２１', 'Ana [número removido]'],
  ])('%s → %s', ([typed, sent]) => {
    expect(neutralise(typed)).toBe(sent);
  });

  it('keeps ordinary names and short numbers as typed', () => {
    for (const name of ['Ana Lima', 'José D. Souza', "Maria d'Ávila", 'João 2º', 'Apto 1203', 'Ana & Bia', 'Zé-Maria'])
      expect(neutralise(name)).toBe(name);
  });

  it('renders the booking fields neutralised, the tenant’s own words untouched', () => {
    const text = renderTemplate({
      ...base,
      customerName: 'Ana, seu PIX foi bloqueado: https://x.io',
      service: 'Corte — ligue 11987654321',
      professional: 'Bia (bia.com)',
    });
    expect(text).toBe(
      'Olá, Ana, seu PIX foi bloqueado: [link removido]! Corte — ligue [número removido] com Bia ([link removido]) em Barbearia do Zé (zeh.com.br), segunda-feira, 2 de dezembro às 14:30.',
    );
  });

  it('a manual message is sent as the operator wrote it', () => {
    const manual = renderFor({
      kind: 'manual',
      text: 'Veja https://zeh.com.br',
      tenantName: 'Zé',
      timezone: 'America/Sao_Paulo',
      templates: { confirmation: '', reminder: '', cancellation: '' },
      booking: null,
    });
    expect(manual).toBe('Veja https://zeh.com.br');
  });
});
