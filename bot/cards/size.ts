/**
 * How big a card is where Lark measures it: the request body. A card travels inside the body as
 * a JSON string (`"content": "{\"schema\":…}"`), escaped once more, so its quotes and
 * backslashes count twice; Lark refuses a card or post whose request body is over 30 KB
 * (https://open.feishu.cn/document/server-docs/im-v1/message/create, 请求体).
 */
const encoder = new TextEncoder();

/** Lark's limit on the request body of a card message. */
export const CARD_REQUEST_LIMIT = 30 * 1024;
/** Room for the rest of the body: receive_id, msg_type, uuid and their keys take under 200 bytes. */
const ENVELOPE_BYTES = 512;
/** The most a card may weigh, escaped, for its request body to stay under the limit. */
export const CARD_MAX_BYTES = CARD_REQUEST_LIMIT - ENVELOPE_BYTES;

/** Bytes of the card as it travels in the request body: JSON of the JSON string. */
export function cardBytes(card: unknown): number {
  return encoder.encode(JSON.stringify(JSON.stringify(card))).length;
}
