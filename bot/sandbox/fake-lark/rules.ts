/**
 * What Lark checks in the requests it receives, written from its documentation, so the fake
 * refuses what Lark refuses (with Lark's code and message) and the test that sent it fails.
 * The rule list with sources is docs/lark-rules.md; each rule below names its page.
 *
 * Pure functions: each returns null, or the refusal Lark would answer.
 */

export interface Refusal {
  status: number;
  code: number;
  msg: string;
}

type Json = Record<string, unknown>;

const PAGE = {
  structure: 'https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-structure',
  breaking: 'https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-breaking-changes-release-notes',
} as const;

/** 230099 is the create/reply/patch answer for a card Lark cannot build (im/v1 message create, error codes). */
const cardRefusal = (detail: string): Refusal => ({ status: 400, code: 230099, msg: `Failed to create card content, ext=ErrMsg: ${detail}` });
const paramRefusal = (detail: string): Refusal => ({ status: 400, code: 230001, msg: `Your request contains an invalid request parameter, ext=${detail}` });

// ---------------------------------------------------------------------------------------------
// Value checks

type Check = (v: unknown) => string | null;

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const str: Check = (v) => (typeof v === 'string' ? null : 'must be a string');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'must be a boolean');
const obj: Check = (v) => (isObj(v) ? null : 'must be an object');
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;
const int =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? null : `must be an integer in [${min},${max}]`;
const any: Check = () => null;
/** "12px" with the number in [min,max]. */
const px = (v: unknown, min: number, max: number): boolean => {
  const m = typeof v === 'string' ? /^(-?\d+)px$/.exec(v) : null;
  return !!m && Number(m[1]) >= min && Number(m[1]) <= max;
};
const either =
  (...checks: Check[]): Check =>
  (v) =>
    checks.some((c) => c(v) === null) ? null : checks.map((c) => c(v)).join(' or ');
const pxIn =
  (min: number, max: number): Check =>
  (v) =>
    px(v, min, max) ? null : `must be [${min},${max}]px`;

/** Spacing: small/medium/large/extra_large or [0,99]px (containers' pages, e.g. column-set, form-container). */
const spacing = either(oneOf('small', 'medium', 'large', 'extra_large'), pxIn(0, 99));
/** Margin and padding: one, two or four values, each in [-99,99]px (every 2.0 component page). */
const box: Check = (v) => {
  if (typeof v !== 'string') return 'must be a string';
  const parts = v.trim().split(/\s+/);
  if (![1, 2, 4].includes(parts.length)) return 'must have 1, 2 or 4 values';
  return parts.every((p) => p === '0' || px(p, -99, 99)) ? null : 'each value must be in [-99,99]px';
};
/** element_id: starts with a letter, letters/digits/underscores, at most 20 characters (2.0 component pages). */
const elementId: Check = (v) =>
  typeof v === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,19}$/.test(v) ? null : 'must start with a letter and be at most 20 letters, digits or _';

const TEXT_SIZES = [
  'heading-0',
  'heading-1',
  'heading-2',
  'heading-3',
  'heading-4',
  'heading',
  'normal',
  'notation',
  'xxxx-large',
  'xxx-large',
  'xx-large',
  'x-large',
  'large',
  'medium',
  'small',
  'x-small',
];
const textSize = either(oneOf(...TEXT_SIZES), (v) => (typeof v === 'string' && v.startsWith('cus-') ? null : 'custom size'));
const align = oneOf('left', 'center', 'right');
const valign = oneOf('top', 'center', 'bottom');

/** A text object: { tag: plain_text|lark_md, content, i18n_content? } (title and plain-text pages). */
const textObject =
  (tags: string[] = ['plain_text', 'lark_md']): Check =>
  (v) => {
    if (!isObj(v)) return 'must be a text object';
    if (!tags.includes(v.tag as string)) return `tag must be one of ${tags.join(', ')}`;
    if (typeof v.content !== 'string') return 'content must be a string';
    const extra = Object.keys(v).filter((k) => !['tag', 'content', 'i18n_content', 'text_size', 'text_color', 'text_align', 'lines'].includes(k));
    return extra.length ? `unknown property ${extra.join(', ')}` : null;
  };

/** Behaviors: callback (value), open_url (default_url, pc/ios/android_url), form (button page, "behaviors"). */
const behaviors: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array';
  for (const b of v) {
    if (!isObj(b)) return 'each behavior must be an object';
    if (b.type === 'callback') {
      if (!isObj(b.value) && typeof b.value !== 'string') return 'callback behavior needs a value object';
      const extra = Object.keys(b).filter((k) => !['type', 'value'].includes(k));
      if (extra.length) return `unknown property ${extra.join(', ')} in a callback behavior`;
    } else if (b.type === 'open_url') {
      if (typeof b.default_url !== 'string') return 'open_url behavior needs default_url';
    } else if (b.type !== 'form') return `unknown behavior type ${String(b.type)}`;
  }
  return null;
};

// ---------------------------------------------------------------------------------------------
// Components of card JSON 2.0: the properties each may carry, with their value ranges.
// A property not listed is refused: "在 JSON 2.0 版本中，传入不支持的属性将报错" (PAGE.breaking).

interface ComponentSpec {
  page: string;
  props: Record<string, Check>;
  required?: string[];
  /** Child element lists (validated recursively). */
  children?: string[];
  container?: boolean;
}

const C = 'https://open.feishu.cn/document/feishu-cards/card-json-v2-components';
const COMMON: Record<string, Check> = { tag: str, element_id: elementId, margin: box };
const CONTAINER: Record<string, Check> = {
  direction: oneOf('vertical', 'horizontal'),
  horizontal_spacing: spacing,
  vertical_spacing: spacing,
  horizontal_align: align,
  vertical_align: valign,
  padding: box,
  elements: (v) => (Array.isArray(v) ? null : 'must be an array'),
};

/** Pickers and selectors (JSON 2.0 pages on open.larksuite.com; open.feishu.cn has the same paths). */
const L = 'https://open.larksuite.com/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-components/interactive-components';
const pattern =
  (re: RegExp, what: string): Check =>
  (v) =>
    typeof v === 'string' && re.test(v) ? null : `must be ${what}`;
const openId = pattern(/^ou_[A-Za-z0-9_-]+$/, 'an open_id');
const strings: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : 'must be an array of strings');
const openIds: Check = (v) => (Array.isArray(v) && v.every((x) => openId(x) === null) ? null : 'must be an array of open_ids');
/** Person options are `{ value: open_id }` only (user picker pages). */
const personOptions: Check = (v) =>
  Array.isArray(v) && v.every((o) => isObj(o) && Object.keys(o).join() === 'value' && openId(o.value) === null)
    ? null
    : 'must be an array of { value: open_id }';
/** Static options are `{ text, value, icon? }` with values unique in the component (dropdown pages). */
const staticOptions: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array';
  const seen = new Set<unknown>();
  for (const o of v) {
    if (!isObj(o) || typeof o.value !== 'string' || textObject(['plain_text'])(o.text) !== null)
      return 'each option needs text (plain_text) and a string value';
    if (Object.keys(o).some((k) => !['text', 'value', 'icon'].includes(k))) return 'an option holds only text, value and icon';
    if (seen.has(o.value)) return `option value ${JSON.stringify(o.value)} is used twice`;
    seen.add(o.value);
  }
  return null;
};
/** What every picker and selector may carry: `width` default, fill or [100,∞)px. */
const PICKER: Record<string, Check> = {
  name: str,
  required: bool,
  disabled: bool,
  placeholder: textObject(['plain_text']),
  width: either(oneOf('default', 'fill'), pxIn(100, 99999)),
  behaviors,
  confirm: obj,
  value: any,
};

const COMPONENTS: Record<string, ComponentSpec> = {
  markdown: {
    page: `${C}/content-components/rich-text`,
    props: { content: str, text_size: textSize, text_align: align, icon: obj },
    required: ['content'],
  },
  div: {
    page: `${C}/content-components/plain-text`,
    props: { text: textObject(), width: either(oneOf('fill', 'auto'), pxIn(1, 9999)), icon: obj },
  },
  hr: { page: `${C}/content-components/divider`, props: {} },
  img: {
    page: `${C}/content-components/image`,
    props: {
      img_key: str,
      alt: textObject(['plain_text']),
      title: textObject(),
      transparent: bool,
      preview: bool,
      corner_radius: str,
      scale_type: oneOf('crop_center', 'fit_horizontal', 'crop_top'),
      size: str,
    },
    required: ['img_key'],
  },
  person: {
    page: `${C}/content-components/user-profile`,
    props: { user_id: str, size: oneOf('large', 'medium', 'small', 'extra_small'), show_avatar: bool, show_name: bool, style: oneOf('normal', 'capsule') },
    required: ['user_id'],
  },
  column_set: {
    page: `${C}/containers/column-set`,
    props: {
      horizontal_spacing: spacing,
      horizontal_align: align,
      flex_mode: oneOf('none', 'stretch', 'flow', 'bisect', 'trisect'),
      background_style: str,
      columns: (v) => (Array.isArray(v) ? null : 'must be an array'),
      action: obj,
    },
    children: ['columns'],
  },
  column: {
    page: `${C}/containers/column-set`,
    props: {
      ...CONTAINER,
      background_style: str,
      // "auto", "weighted", or a fixed width in [16,600]px (column-set page, column width).
      width: either(oneOf('auto', 'weighted'), pxIn(16, 600)),
      // weight: an integer in [1,5], used when width is weighted (column-set page).
      weight: int(1, 5),
      action: obj,
    },
    children: ['elements'],
    container: true,
  },
  form: {
    page: `${C}/containers/form-container`,
    props: { ...CONTAINER, name: str, confirm: obj },
    required: ['name'],
    children: ['elements'],
    container: true,
  },
  interactive_container: {
    page: `${C}/containers/interactive-container`,
    props: {
      ...CONTAINER,
      width: str,
      height: str,
      background_style: str,
      has_border: bool,
      border_color: str,
      corner_radius: str,
      behaviors,
      disabled: bool,
      disabled_tips: textObject(),
      confirm: obj,
      hover_tips: textObject(),
    },
    children: ['elements'],
    container: true,
  },
  collapsible_panel: {
    page: `${C}/containers/collapsible-panel`,
    props: { ...CONTAINER, expanded: bool, background_color: str, header: obj, border: obj },
    required: ['header'],
    children: ['elements'],
    container: true,
  },
  button: {
    page: `${C}/interactive-components/button`,
    props: {
      text: textObject(),
      type: oneOf('default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser'),
      size: oneOf('tiny', 'small', 'medium', 'large'),
      width: either(oneOf('default', 'fill'), pxIn(1, 9999)),
      icon: obj,
      hover_tips: textObject(),
      disabled: bool,
      disabled_tips: textObject(),
      confirm: obj,
      behaviors,
      name: str,
      required: bool,
      form_action_type: oneOf('submit', 'reset'),
    },
  },
  input: {
    page: `${C}/interactive-components/input`,
    props: {
      name: str,
      required: bool,
      placeholder: textObject(['plain_text']),
      default_value: str,
      disabled: bool,
      disabled_tips: textObject(),
      width: either(oneOf('default', 'fill'), pxIn(100, 9999)),
      // max_length: an integer in [1,1000] (input page).
      max_length: int(1, 1000),
      input_type: oneOf('text', 'multiline_text', 'password'),
      show_icon: bool,
      rows: int(1, 100),
      auto_resize: bool,
      max_rows: int(1, 100),
      label: textObject(),
      label_position: oneOf('top', 'left'),
      value: any,
      behaviors,
      confirm: obj,
      fallback: obj,
    },
  },
  select_static: {
    page: `${L}/single-select-dropdown-menu`,
    props: {
      ...PICKER,
      type: oneOf('default', 'text'),
      options: staticOptions,
      initial_option: str,
      initial_index: int(0, 1000),
    },
  },
  multi_select_static: {
    page: `${L}/multi-select-dropdown-menu`,
    props: { ...PICKER, type: oneOf('default', 'text'), options: staticOptions, selected_values: strings },
    required: ['name'],
  },
  select_person: {
    page: `${L}/single-select-user-picker`,
    props: { ...PICKER, type: oneOf('default', 'text'), options: personOptions, initial_option: openId },
  },
  multi_select_person: {
    page: `${L}/multi-select-user-picker`,
    props: { ...PICKER, type: oneOf('default', 'text'), options: personOptions, selected_values: openIds },
    required: ['name'],
  },
  date_picker: {
    page: `${L}/date-picker`,
    props: { ...PICKER, initial_date: pattern(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd') },
  },
  picker_time: {
    page: `${L}/time-selector`,
    props: { ...PICKER, initial_time: pattern(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm') },
  },
  picker_datetime: {
    page: `${L}/date-time-picker`,
    props: { ...PICKER, initial_datetime: pattern(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d$/, 'yyyy-MM-dd HH:mm') },
  },
  chart: {
    page: `${C}/content-components/chart`,
    props: {
      chart_spec: obj,
      aspect_ratio: oneOf('1:1', '2:1', '4:3', '16:9'),
      color_theme: oneOf('brand', 'rainbow', 'complementary', 'converse', 'primary'),
      preview: bool,
      height: either(oneOf('auto'), pxIn(1, 999)),
    },
    required: ['chart_spec'],
  },
  table: {
    page: `${C}/content-components/table`,
    props: {
      // page_size: an integer in [1,10] (table page).
      page_size: int(1, 10),
      row_height: either(oneOf('low', 'middle', 'high', 'auto'), pxIn(32, 124)),
      row_max_height: pxIn(32, 999),
      freeze_first_column: bool,
      header_style: obj,
      columns: (v) => (Array.isArray(v) ? null : 'must be an array'),
      rows: (v) => (Array.isArray(v) ? null : 'must be an array'),
    },
    required: ['columns', 'rows'],
  },
};

/** Interactive components that need a `name` inside a form (form-container page). */
export const FORM_FIELDS = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'select_person',
  'multi_select_person',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'checker',
  'select_img',
]);

const TABLE_COLUMN: Record<string, Check> = {
  name: str,
  display_name: str,
  // width: auto, [80,600]px, or [1,100]% (table page, columns.width).
  width: either(oneOf('auto'), pxIn(80, 600), (v) => {
    const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
    return m && Number(m[1]) >= 1 && Number(m[1]) <= 100 ? null : 'must be [1%,100%]';
  }),
  vertical_align: valign,
  horizontal_align: align,
  data_type: oneOf('text', 'lark_md', 'options', 'number', 'persons', 'date', 'markdown'),
  format: obj,
  date_format: str,
};
const TABLE_HEADER_STYLE: Record<string, Check> = {
  text_align: align,
  text_size: textSize,
  background_style: oneOf('grey', 'none'),
  text_color: oneOf('default', 'grey'),
  bold: bool,
  lines: int(1, 100),
};

const HEADER: Record<string, Check> = {
  title: textObject(),
  subtitle: textObject(),
  template: oneOf('blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default'),
  icon: obj,
  text_tag_list: (v) => (Array.isArray(v) && v.length <= 3 ? null : 'must be an array of at most 3 text tags'),
  i18n_text_tag_list: obj,
  padding: box,
};
const TEXT_TAG: Record<string, Check> = {
  tag: oneOf('text_tag'),
  element_id: elementId,
  text: textObject(['plain_text']),
  color: oneOf('neutral', 'blue', 'turquoise', 'lime', 'orange', 'violet', 'indigo', 'wathet', 'green', 'yellow', 'red', 'purple', 'carmine'),
};
const CONFIG: Record<string, Check> = {
  streaming_mode: bool,
  streaming_config: obj,
  summary: obj,
  locales: (v) => (Array.isArray(v) ? null : 'must be an array'),
  enable_forward: bool,
  // 2.0 cards are shared cards only: update_multi may only be true (PAGE.breaking).
  update_multi: (v) => (v === true ? null : 'must be true in a 2.0 card'),
  width_mode: oneOf('compact', 'fill', 'default'),
  use_custom_translation: bool,
  enable_forward_interaction: bool,
  style: obj,
};
const BODY: Record<string, Check> = { ...CONTAINER };
delete BODY.tag;

/** Tags the 2.0 markdown component reads (rich-text page); any other `<name` is not markdown. */
const MARKDOWN_TAGS = new Set(['at', 'font', 'text_tag', 'link', 'a', 'local_datetime', 'number_tag', 'br', 'hr', 'person', 'img', 'raw', 'u', 'chart']);

/** At most 200 components in one 2.0 card (card JSON 2.0 structure; cardkit create error 300305). */
export const CARD_MAX_COMPONENTS = 200;
/** Containers nest at most five levels deep (form-container page, 注意事项). */
export const CONTAINER_MAX_DEPTH = 5;
/** At most 5 tables per card, each at the card's root (table page). */
export const CARD_MAX_TABLES = 5;
/** Columns of one table (table page). */
export const TABLE_MAX_COLUMNS = 50;
/** Charts per card: the chart page recommends at most five. */
export const CARD_MAX_CHARTS = 5;

function checkProps(where: string, node: Json, props: Record<string, Check>, page: string): Refusal | null {
  for (const [k, v] of Object.entries(node)) {
    const check = props[k];
    if (!check) return cardRefusal(`unknown property ${k} in ${where} (${page})`);
    const err = check(v);
    if (err) return cardRefusal(`${where}.${k} ${err}: ${JSON.stringify(v).slice(0, 80)} (${page})`);
  }
  return null;
}

interface Walk {
  components: number;
  tables: number;
  charts: number;
  formNames: Set<string>;
  fieldNames: Set<string>;
}

function checkElements(list: unknown, path: string, depth: number, parent: string, form: { submit: boolean } | null, w: Walk): Refusal | null {
  if (!Array.isArray(list)) return cardRefusal(`${path} must be an array (${PAGE.structure})`);
  for (let i = 0; i < list.length; i++) {
    const r = checkElement(list[i], `${path}[${i}]`, depth, parent, form, w);
    if (r) return r;
  }
  return null;
}

function checkElement(el: unknown, path: string, depth: number, parent: string, form: { submit: boolean } | null, w: Walk): Refusal | null {
  if (!isObj(el) || typeof el.tag !== 'string') return cardRefusal(`${path} must be a component with a tag (${PAGE.structure})`);
  const tag = el.tag;
  const spec = COMPONENTS[tag];
  if (!spec || tag === 'column') return cardRefusal(`unknown component ${tag} at ${path} (${PAGE.structure})`);
  w.components++;
  // depth = how many containers (column sets, forms, panels…) enclose this component.
  if (depth > CONTAINER_MAX_DEPTH) return cardRefusal(`containers nest at most ${CONTAINER_MAX_DEPTH} levels (${COMPONENTS.form!.page})`);
  if (w.components > CARD_MAX_COMPONENTS) return cardRefusal(`a card holds at most ${CARD_MAX_COMPONENTS} components (${PAGE.structure})`);
  const bad = checkProps(`${path}(${tag})`, el, { ...COMMON, ...spec.props }, spec.page);
  if (bad) return bad;
  for (const k of spec.required ?? []) if (el[k] === undefined) return cardRefusal(`${path}(${tag}) needs ${k} (${spec.page})`);

  if (tag === 'table') {
    // Tables sit at the card's root only and hold no other component (table page, 嵌套规则).
    if (parent !== 'body') return cardRefusal(`a table may sit only at the card's root, not in ${parent} (${spec.page})`);
    if (++w.tables > CARD_MAX_TABLES) return cardRefusal(`a card holds at most ${CARD_MAX_TABLES} tables (${spec.page})`);
    const r = checkTable(el, path, spec.page);
    if (r) return r;
  }
  if (tag === 'chart') {
    if (++w.charts > CARD_MAX_CHARTS) return cardRefusal(`a card holds at most ${CARD_MAX_CHARTS} charts (${spec.page})`);
    const r = checkChart(el, path, parent, spec.page);
    if (r) return r;
  }
  if (tag === 'form') {
    // A form sits at the card's root only, has a name unique in the card, holds no table or
    // form, and submits through a button with form_action_type submit (form-container page).
    if (parent !== 'body') return cardRefusal(`a form may sit only at the card's root, not in ${parent} (${spec.page})`);
    const name = String(el.name);
    if (name === '' || w.formNames.has(name)) return cardRefusal(`form name ${JSON.stringify(name)} must be non-empty and unique in the card (${spec.page})`);
    w.formNames.add(name);
    const inner = { submit: false };
    const r = checkElements(el.elements ?? [], `${path}.elements`, depth + 1, 'form', inner, w);
    if (r) return r;
    if (!inner.submit) return cardRefusal(`form ${name} has no button with form_action_type submit (${spec.page})`);
    return null;
  }
  if (form && (tag === 'table' || tag === 'form')) return cardRefusal(`a form may not hold a ${tag} (${COMPONENTS.form!.page})`);
  if (form && (FORM_FIELDS.has(tag) || (tag === 'button' && el.form_action_type))) {
    const name = el.name;
    // Interactive components in a form need a name, unique in the card (form-container page).
    if (typeof name !== 'string' || name === '') return cardRefusal(`${path}(${tag}) in a form needs a name (${COMPONENTS.form!.page})`);
    if (w.fieldNames.has(name)) return cardRefusal(`name ${JSON.stringify(name)} is used twice in the card (${COMPONENTS.form!.page})`);
    w.fieldNames.add(name);
    if (tag === 'button' && el.form_action_type === 'submit') form.submit = true;
  }
  if (!form && tag.startsWith('multi_select_')) return cardRefusal(`${path}: ${tag} is used only inside a form (${spec.page})`);
  // `required` "当组件内嵌在表单容器中时,该属性可用。其它情况将报错或不生效" (each picker's page).
  if (!form && el.required !== undefined) return cardRefusal(`${path}(${tag}): required is for components inside a form (${spec.page})`);
  const initial = { date_picker: 'initial_date', picker_time: 'initial_time', picker_datetime: 'initial_datetime' }[tag];
  if (initial && el[initial] === undefined && el.placeholder === undefined)
    return cardRefusal(`${path}(${tag}) needs a placeholder when ${initial} is not set (${spec.page})`);
  if ((tag === 'select_person' || tag === 'multi_select_person') && Array.isArray(el.options) && el.options.length) {
    const offered = new Set((el.options as Json[]).map((o) => o.value));
    const chosen = tag === 'select_person' ? (el.initial_option === undefined ? [] : [el.initial_option]) : ((el.selected_values as unknown[]) ?? []);
    if (chosen.some((v) => !offered.has(v))) return cardRefusal(`${path}(${tag}): the initial choice must be one of options (${spec.page})`);
  }
  if (tag === 'select_static' && el.initial_option !== undefined && !(el.options as Json[] | undefined)?.some((o) => o.value === el.initial_option))
    return cardRefusal(`${path}(select_static): initial_option must be one of options (${spec.page})`);
  if (!form && tag === 'button' && el.form_action_type) return cardRefusal(`${path}: form_action_type is for buttons inside a form (${spec.page})`);
  if (tag === 'markdown') {
    const r = checkMarkdown(String(el.content), path, spec.page);
    if (r) return r;
  }
  if (tag === 'column_set') {
    const columns = el.columns as unknown[];
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i];
      const cp = `${path}.columns[${i}]`;
      if (!isObj(col) || col.tag !== 'column') return cardRefusal(`${cp} must be a column (${spec.page})`);
      const r =
        checkProps(`${cp}(column)`, col, { ...COMMON, ...COMPONENTS.column!.props }, spec.page) ??
        checkElements(col.elements ?? [], `${cp}.elements`, depth + 1, 'column', form, w);
      if (r) return r;
    }
    return null;
  }
  if (spec.children) {
    for (const k of spec.children) {
      const r = checkElements(el[k] ?? [], `${path}.${k}`, depth + 1, tag, form, w);
      if (r) return r;
    }
  }
  return null;
}

function checkTable(el: Json, path: string, page: string): Refusal | null {
  const columns = el.columns as unknown[];
  if (columns.length === 0 || columns.length > TABLE_MAX_COLUMNS) return cardRefusal(`${path}: a table has 1 to ${TABLE_MAX_COLUMNS} columns (${page})`);
  const names = new Set<string>();
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i];
    if (!isObj(col)) return cardRefusal(`${path}.columns[${i}] must be an object (${page})`);
    const r = checkProps(`${path}.columns[${i}]`, col, TABLE_COLUMN, page);
    if (r) return r;
    if (typeof col.name !== 'string' || col.name === '' || names.has(col.name))
      return cardRefusal(`${path}.columns[${i}].name must be non-empty and unique (${page})`);
    names.add(col.name);
  }
  if (el.header_style !== undefined) {
    const r = checkProps(`${path}.header_style`, el.header_style as Json, TABLE_HEADER_STYLE, page);
    if (r) return r;
  }
  for (const [i, row] of (el.rows as unknown[]).entries()) {
    if (!isObj(row)) return cardRefusal(`${path}.rows[${i}] must be an object (${page})`);
  }
  return null;
}

/**
 * Charts: a VChart spec with no JavaScript (chart page, 注意事项). The fake also refuses a chart
 * whose data holds no values: Lark draws an empty frame for it, which tells a reader nothing.
 */
function checkChart(el: Json, path: string, parent: string, page: string): Refusal | null {
  if (!['body', 'column', 'form', 'collapsible_panel', 'interactive_container'].includes(parent))
    return cardRefusal(`a chart may not sit in ${parent} (${page})`);
  const spec = el.chart_spec as Json;
  if (typeof spec.type !== 'string') return cardRefusal(`${path}.chart_spec needs a type (${page})`);
  if (JSON.stringify(spec).includes('function')) return cardRefusal(`${path}.chart_spec may not hold JavaScript (${page})`);
  const data = Array.isArray(spec.data) ? spec.data : spec.data ? [spec.data] : [];
  const values = data.flatMap((d) => (isObj(d) && Array.isArray(d.values) ? d.values : []));
  if (values.length === 0) return cardRefusal(`${path}.chart_spec has no data values: an empty chart (${page})`);
  return null;
}

function checkMarkdown(content: string, path: string, page: string): Refusal | null {
  for (const m of content.matchAll(/<\/?([A-Za-z_][\w-]*)/g)) {
    if (!MARKDOWN_TAGS.has(m[1]!.toLowerCase())) return cardRefusal(`${path}: <${m[1]}> is not a tag the markdown component supports (${page})`);
  }
  return null;
}

/**
 * A card sent as `interactive` content. JSON 2.0 cards are checked in full; template cards and
 * 1.0 cards (which ignore unknown properties) only for being objects.
 */
export function checkCard(card: unknown): Refusal | null {
  if (!isObj(card)) return cardRefusal('the card must be a JSON object');
  if (card.type === 'template') return isObj(card.data) ? null : cardRefusal('a template card needs data');
  if (card.schema !== '2.0') return null;
  // Root keys of a 2.0 card: schema, config, card_link, header, body (PAGE.structure).
  const unknown = Object.keys(card).filter((k) => !['schema', 'config', 'card_link', 'header', 'body'].includes(k));
  if (unknown.length) return cardRefusal(`unknown property ${unknown.join(', ')} in a 2.0 card (${PAGE.structure})`);
  if (card.config !== undefined) {
    if (!isObj(card.config)) return cardRefusal(`config must be an object (${PAGE.structure})`);
    const r = checkProps('config', card.config, CONFIG, PAGE.structure);
    if (r) return r;
  }
  if (card.card_link !== undefined && !isObj(card.card_link)) return cardRefusal(`card_link must be an object (${PAGE.structure})`);
  if (card.header !== undefined) {
    const titlePage = `${C}/content-components/title`;
    if (!isObj(card.header)) return cardRefusal(`header must be an object (${titlePage})`);
    const r = checkProps('header', card.header, HEADER, titlePage);
    if (r) return r;
    if (card.header.title === undefined) return cardRefusal(`header needs a title (${titlePage})`);
    for (const [i, tag] of ((card.header.text_tag_list as unknown[]) ?? []).entries()) {
      if (!isObj(tag)) return cardRefusal(`header.text_tag_list[${i}] must be a text tag (${titlePage})`);
      const t = checkProps(`header.text_tag_list[${i}]`, tag, TEXT_TAG, titlePage);
      if (t) return t;
    }
  }
  if (!isObj(card.body)) return cardRefusal(`body is required in a 2.0 card (${PAGE.structure})`);
  const { elements, ...bodyRest } = card.body;
  const r = checkProps('body', bodyRest, BODY, PAGE.structure);
  if (r) return r;
  const w: Walk = { components: 0, tables: 0, charts: 0, formNames: new Set(), fieldNames: new Set() };
  return checkElements(elements, 'body.elements', 0, 'body', null, w);
}

// ---------------------------------------------------------------------------------------------
// Message bodies (im/v1 message create, reply, patch; message content page)

const CREATE_PAGE = 'https://open.feishu.cn/document/server-docs/im-v1/message/create';
const CONTENT_PAGE = 'https://open.feishu.cn/document/server-docs/im-v1/message-content-description/create_json';

/**
 * The request body's size: text up to 150 KB, post and card up to 30 KB — measured on the
 * request body, where the content travels as an escaped JSON string (create page, 请求体).
 */
export const TEXT_BODY_LIMIT = 150 * 1024;
export const CARD_BODY_LIMIT = 30 * 1024;
/** uuid: at most 50 characters (create page). */
export const UUID_MAX = 50;

export function checkBodySize(msgType: string, bodyBytes: number): Refusal | null {
  const limit = msgType === 'text' ? TEXT_BODY_LIMIT : CARD_BODY_LIMIT;
  if (bodyBytes <= limit) return null;
  return {
    status: 400,
    code: 230025,
    msg: `The length of the message content reaches its limit: the request body is ${bodyBytes} bytes, over ${limit} (${CREATE_PAGE})`,
  };
}

/**
 * Text content: `{"text": "…"}`; a mention is `<at user_id="ou_…">name</at>` (or user_id="all"),
 * with the id in double quotes (message content page, 文本 text).
 */
export function checkText(content: Json): Refusal | null {
  if (typeof content.text !== 'string') return paramRefusal(`text content needs a "text" string (${CONTENT_PAGE})`);
  for (const m of content.text.matchAll(/<at\b[^>]*>/g)) {
    if (!/^<at user_id="(all|ou_[\w-]+|on_[\w-]+|[\w-]+)">$/.test(m[0])) return paramRefusal(`mention ${m[0]} is not <at user_id="…"> (${CONTENT_PAGE})`);
  }
  const opens = content.text.match(/<at\b/g)?.length ?? 0;
  const closes = content.text.match(/<\/at>/g)?.length ?? 0;
  if (opens !== closes) return paramRefusal(`every <at> needs its </at> (${CONTENT_PAGE})`);
  return null;
}

const POST_TAGS: Record<string, string[]> = {
  text: ['text'],
  a: ['text', 'href'],
  at: ['user_id'],
  img: ['image_key'],
  media: ['file_key'],
  emotion: ['emoji_type'],
  hr: [],
  code_block: ['text'],
  md: ['text'],
};

/** Post (rich text): `{ "zh_cn": { "title"?, "content": [[element…]…] } }` (message content page, 富文本 post). */
export function checkPost(content: Json): Refusal | null {
  const langs = Object.entries(content);
  if (langs.length === 0) return paramRefusal(`post content needs a language, e.g. zh_cn (${CONTENT_PAGE})`);
  for (const [lang, body] of langs) {
    if (!/^[a-z]{2}_[a-z]{2}$/.test(lang) || !isObj(body)) return paramRefusal(`post language ${lang} must map to { title, content } (${CONTENT_PAGE})`);
    if (body.title !== undefined && typeof body.title !== 'string') return paramRefusal(`post title must be a string (${CONTENT_PAGE})`);
    if (!Array.isArray(body.content)) return paramRefusal(`post content must be an array of paragraphs (${CONTENT_PAGE})`);
    for (const para of body.content) {
      if (!Array.isArray(para)) return paramRefusal(`each post paragraph must be an array (${CONTENT_PAGE})`);
      for (const el of para) {
        const needs = isObj(el) ? POST_TAGS[el.tag as string] : undefined;
        if (!needs) return paramRefusal(`unknown post element ${JSON.stringify(el).slice(0, 60)} (${CONTENT_PAGE})`);
        for (const k of needs) if (typeof (el as Json)[k] !== 'string') return paramRefusal(`post element ${(el as Json).tag} needs ${k} (${CONTENT_PAGE})`);
      }
    }
  }
  return null;
}

export function checkUuid(uuid: unknown): Refusal | null {
  if (uuid === undefined || uuid === null || uuid === '') return null;
  if (typeof uuid !== 'string' || uuid.length > UUID_MAX) {
    return { status: 400, code: 99992402, msg: `field validation failed: uuid must be a string of at most ${UUID_MAX} characters (${CREATE_PAGE})` };
  }
  return null;
}
