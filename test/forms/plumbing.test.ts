/**
 * Card forms end to end: the fake Lark refuses malformed form cards as Lark's documentation
 * says, turns a filled-in form into the callback Lark's client posts (form_value in Lark's
 * shapes), and the bot reads it through the real webhook into typed values.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { datePicker, formContainer, personSelect, personsSelect, staticSelect, submitButton, textInput, timePicker } from '../../bot/cards/form.js';
import { FormFieldError, FormValues, pickedDeadlineText } from '../../bot/lark/form.js';
import { submitForm, RequiredFieldEmpty } from '../../bot/sandbox/fake-lark/forms.js';
import { checkCard } from '../../bot/sandbox/fake-lark/rules.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, TENANT, testBot, type TestBot } from '../helpers/app.js';

const card2 = (elements: unknown[]) => ({ schema: '2.0', config: { update_multi: true }, body: { elements } });
const submit = submitButton('提交', { a: 'x' }, 'x_submit');

describe('the fake refuses malformed form cards (form-container and picker pages)', () => {
  it('accepts every form component inside a form with names and a submit button', () => {
    const card = card2([
      formContainer('f', [
        textInput('title', { placeholder: '事项', required: true }),
        personSelect('lead', { placeholder: '主办', required: true }),
        personsSelect('co', { placeholder: '协办' }),
        datePicker('due_date', { placeholder: '日期' }),
        timePicker('due_time', { value: '18:00' }),
        staticSelect('kind', [{ value: 'a', label: 'A' }], { value: 'a', placeholder: '类别' }),
        submit,
      ]),
    ]);
    expect(checkCard(card)).toBeNull();
  });

  it.each([
    ['a form without a submit button', [formContainer('f', [textInput('t')])], /form_action_type submit/],
    ['a field without a name', [formContainer('f', [{ tag: 'select_person', placeholder: { tag: 'plain_text', content: '' } }, submit])], /needs a name/],
    ['two fields with one name', [formContainer('f', [textInput('t'), textInput('t'), submit])], /used twice/],
    ['a submit button outside a form', [submit], /form_action_type is for buttons inside a form/],
    ['a multi-select outside a form', [{ tag: 'multi_select_person', name: 'co', placeholder: { tag: 'plain_text', content: '' } }], /only inside a form/],
    [
      'required outside a form',
      [{ tag: 'date_picker', name: 'd', required: true, placeholder: { tag: 'plain_text', content: '' } }],
      /required is for components inside a form/,
    ],
    ['a date picker with neither a placeholder nor an initial date', [formContainer('f', [{ tag: 'date_picker', name: 'd' }, submit])], /needs a placeholder/],
    ['a malformed initial date', [formContainer('f', [datePicker('d', { value: '2026/12/01' }), submit])], /yyyy-MM-dd/],
    ['a person option that is not an open_id', [formContainer('f', [personSelect('p', { options: ['张三'] }), submit])], /open_id/],
    ['an initial person not among the options', [formContainer('f', [personSelect('p', { options: ['ou_a'], value: 'ou_b' }), submit])], /one of options/],
    ['a form inside a column', [{ tag: 'column_set', columns: [{ tag: 'column', elements: [formContainer('f', [submit])] }] }], /only at the card's root/],
  ])('refuses %s', (_, elements, why) => {
    const r = checkCard(card2(elements));
    expect(r?.code).toBe(230099);
    expect(r?.msg).toMatch(why);
  });
});

describe("the client's submission (form_value in Lark's shapes)", () => {
  const card = card2([
    formContainer('f', [
      textInput('title', { required: true }),
      personSelect('lead', { placeholder: '' }),
      personsSelect('co', { placeholder: '', values: ['ou_zhao'] }),
      datePicker('due_date', { placeholder: '' }),
      timePicker('due_time', { value: '18:00' }),
      staticSelect('kind', [{ value: 'a', label: 'A' }], { placeholder: '' }),
      submit,
    ]),
  ]);

  it('writes dates, times, people and options as Lark does, initial values included', () => {
    const s = submitForm(card, { values: { title: '起草', lead: 'ou_zhang', due_date: '2026-12-01', kind: 'a' } });
    expect(s).toEqual({
      value: { a: 'x' },
      name: 'x_submit',
      formValue: { title: '起草', lead: 'ou_zhang', co: ['ou_zhao'], due_date: '2026-12-01 +0800', due_time: '18:00 +0800', kind: 'a' },
    });
  });

  it('sends nothing when a required field is empty, and refuses what the card does not offer', () => {
    expect(() => submitForm(card, { values: { title: '' } })).toThrow(RequiredFieldEmpty);
    expect(() => submitForm(card, { values: { title: 'x', kind: 'b' } })).toThrow(/offers no option/);
    expect(() => submitForm(card, { values: { title: 'x', nope: 1 } })).toThrow(/has no field nope/);
    expect(() => submitForm(card, { values: { title: 'x', lead: 'ou_outsider' }, chatMembers: new Set(['ou_zhang']) })).toThrow(/does not offer/);
  });

  it('reads back into typed values; a value of the wrong shape names its field', () => {
    const f = new FormValues(submitForm(card, { values: { title: ' 起草 ', lead: 'ou_zhang', due_date: '2026-12-01', due_time: '15:30' } }).formValue);
    expect(f.text('title')).toBe(' 起草 ');
    expect(f.person('lead')).toBe('ou_zhang');
    expect(f.persons('co')).toEqual(['ou_zhao']);
    expect(f.date('due_date')).toEqual({ date: '2026-12-01', offsetMinutes: 480 });
    expect(f.time('due_time')).toEqual({ time: '15:30', offsetMinutes: 480 });
    expect(f.option('kind')).toBeNull();
    expect(pickedDeadlineText(f.date('due_date')!, f.time('due_time'))).toBe('2026-12-01T15:30+08:00');
    expect(pickedDeadlineText(f.date('due_date')!, null)).toBe('2026-12-01');
    expect(() => new FormValues({ d: '2026-02-30 +0800' }).date('d')).toThrow(FormFieldError);
    expect(() => new FormValues({ p: '张三' }).person('p')).toThrow(FormFieldError);
    expect(() => new FormValues({ t: '25:00 +0800' }).time('t')).toThrow(FormFieldError);
  });
});

describe('a form on a task card through the real callback', () => {
  let bot: TestBot;
  afterEach(async () => bot?.close());

  it('the progress form is submitted the way Lark submits it', async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
    await bot.say({ from: 'chief', text: '/交办 @张三 起草年度工作总结 截止 2026-12-01', mention: ['zhang'] });
    await bot.settle();
    const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive')!;
    const r = await bot.submit({
      from: 'zhang',
      messageId: card.id,
      button: `progress_${(await getTaskByNumber(bot.deps.db, TENANT, 1))!.id}_submit`,
      values: { progress_text: '完成40%' },
    });
    expect(r.body.toast.type).toBe('success');
    await bot.settle();
    expect(await getTaskByNumber(bot.deps.db, TENANT, 1)).toMatchObject({ state: 'in_progress', percent: 40 });
  });
});
