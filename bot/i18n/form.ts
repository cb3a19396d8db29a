/** Sentences of card forms: the 交办 form, the inputs on task cards, the p2p menu. */
export const form = {
  'form.bad_value': { zh: '「{field}」的内容无法识别，请重新选择。', en: 'The value of "{field}" cannot be read; please pick it again.' },
};
