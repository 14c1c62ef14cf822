// Writes the corpus files in this folder (deterministic: no clocks, no randomness).
// Run: node test/liquid-corpus/generate.mjs, then npm run liquid:golden.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The contexts every group shares: a realistic Customer.io customer, event, trigger and response. */
const customer = {
  id: "cus_1042",
  email: "ada.lovelace@example.com",
  first_name: "Ada",
  last_name: "Lovelace",
  firstName: "Ada",
  lastName: "Lovelace",
  name: "Ada Lovelace",
  company: "Analytical Engines Ltd",
  company_name: "Analytical Engines",
  company_url: "https://engines.example.com",
  jobTitle: "Chief Programmer",
  phone: "+44 20 7946 0958",
  plan: "pro",
  created_at: 1700000000,
  signed_up: "2023-11-14T22:13:20Z",
  birthday: "1815-12-10",
  lifetime_value: 1234.5,
  age: 36,
  score: -7,
  ratio: 0.125,
  balance: -42.75,
  NPS_rating: 9,
  vip: true,
  unsubscribed: false,
  nickname: null,
  source: "",
  empty: "",
  blank_text: "   ",
  bio: "Mathematician & writer, <b>the first programmer</b>",
  comment: 'Loved it, "really"\nWould buy again',
  accented: "Zoë Ñúñez-Łukasz",
  emoji: "🎉 Party 🚀 time",
  nbsp: "Ada\u00a0Lovelace\u00a0",
  multiline: "line one\nline two\r\nline three",
  html: "<p>Hello <em>there</em> &amp; welcome</p>",
  url: "https://example.com/path?q=a b&x=1#frag",
  sentence: "The quick brown fox jumps over the lazy dog",
  padded: "  padded value \t",
  numeric_text: "42",
  float_text: "3.75",
  mixed_text: "12abc",
  tags: ["beta", "vip", "newsletter"],
  scores: [10, 3, -2, 7.5],
  mixed_list: ["b", "A", "c", null, "a"],
  nested_list: [["x", "y"], ["z"]],
  empty_list: [],
  address: { street: "12 St James's Square", city: "London", zip: "SW1Y 4JH", country: "GB" },
  address_1: "12 St James's Square",
  address_2: "",
  city: "London",
  State: "LDN",
  zip: "SW1Y 4JH",
  another_attribute: "some value",
  empty_hash: {},
};

const event = {
  name: "purchase",
  feedback: "Too expensive for our team",
  plan: "enterprise",
  total: 29.97,
  quantity: 3,
  currency: "EUR",
  coupon: null,
  timestamp: "2024-03-05T07:08:09Z",
  local_time: "2024-03-05T09:08:09+02:00",
  unix: 1709622489,
  items: [
    { name: "Widget", sku: "W-1", price: 9.99, qty: 2, category: "tools", tags: ["new"] },
    { name: "Gadget", sku: "G-7", price: 10.01, qty: 1, category: "toys", tags: [] },
    { name: "Ünïcode Thing", sku: "U-3", price: 0.5, qty: 4, category: "tools", gift: true },
  ],
  order: { id: "ord_77", shipping: { method: "express", cost: 4.5 } },
};

const trigger = {
  type: "webhook",
  account_id: 981,
  payload: { user: { id: 5, email: "grace@example.com", roles: ["admin", "dev"] }, action: "subscribe", amount: "19.90" },
  headers: { "x-source": "stripe" },
};

const response = {
  status: 201,
  headers: { "content-type": "application/json", "x-request-id": "req_abc" },
  body: { lead_id: "L-990", amount: 5.25, ok: true, data: { id: 77, tags: ["a", "b"] } },
  lead_id: "L-990",
  amount: 5.25,
  ok: true,
  data: { id: 77, tags: ["a", "b"] },
};

const contexts = { base: { customer, event, trigger }, attributes: { customer, event, trigger, response } };

function write(file, description, cases) {
  const names = new Set();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate case name ${c.name} in ${file}`);
    names.add(c.name);
  }
  writeFileSync(join(here, file), `${JSON.stringify({ description, contexts, cases }, null, 1)}\n`);
  return cases.length;
}

const base = (prefix) => (name, template, context = "base") => ({ name: `${prefix}/${name}`, template, context });

// ---------------------------------------------------------------- standard filters × edge inputs

/** Inputs a filter meets in real data: [label, expression]. */
const INPUTS = [
  ["string", "customer.first_name"],
  ["empty", "customer.empty"],
  ["nil", "customer.nickname"],
  ["missing", "customer.no_such_key"],
  ["accented", "customer.accented"],
  ["emoji", "customer.emoji"],
  ["nbsp", "customer.nbsp"],
  ["negative", "customer.score"],
  ["float", "customer.lifetime_value"],
  ["negative-float", "customer.balance"],
  ["numeric-text", "customer.float_text"],
  ["array", "customer.tags"],
  ["hash", "customer.address"],
  ["boolean", "customer.vip"],
];

/** Each standard filter with its usual arguments, and variants with missing or odd ones. */
const FILTERS = {
  abs: ["", ["missing-arg", ""]],
  append: ["'!'", ["number-arg", "5"], ["missing-arg", ""], ["nil-arg", "nil"]],
  at_least: ["5", ["missing-arg", ""], ["string-arg", "'12'"]],
  at_most: ["5", ["missing-arg", ""], ["float-arg", "2.5"]],
  base64_decode: ["", ["valid", "", "'SGVsbG8='"]],
  base64_encode: [""],
  base64_url_safe_decode: ["", ["valid", "", "'SGk_Pz4-'"]],
  base64_url_safe_encode: [""],
  capitalize: [""],
  ceil: [""],
  compact: [""],
  concat: ["customer.tags", ["string-arg", "'x'"]],
  date: ["'%Y-%m-%d'", ["missing-arg", ""]],
  default: ["'fallback'", ["missing-arg", ""], ["allow-false", "'d', allow_false: true"]],
  divided_by: ["4", ["float-arg", "2.5"], ["missing-arg", ""]],
  downcase: [""],
  escape: [""],
  escape_once: [""],
  first: [""],
  floor: [""],
  h: [""],
  join: ["', '", ["missing-arg", ""]],
  last: [""],
  lstrip: [""],
  map: ["'city'", ["missing-arg", ""]],
  minus: ["2", ["float-arg", "0.25"], ["missing-arg", ""]],
  modulo: ["3", ["float-arg", "2.5"], ["missing-arg", ""]],
  newline_to_br: [""],
  plus: ["2", ["float-arg", "0.25"], ["missing-arg", ""], ["string-arg", "'3'"]],
  prepend: ["'> '", ["missing-arg", ""]],
  remove: ["'a'", ["missing-arg", ""]],
  remove_first: ["'a'"],
  remove_last: ["'a'"],
  replace: ["'a', 'A'", ["one-arg", "'a'"], ["missing-arg", ""]],
  replace_first: ["'a', 'A'", ["one-arg", "'a'"]],
  replace_last: ["'a', 'A'", ["one-arg", "'a'"]],
  reverse: [""],
  round: ["", ["digits", "2"], ["negative-digits", "-1"]],
  rstrip: [""],
  size: [""],
  slice: ["1", ["length", "1, 3"], ["negative", "-3, 2"], ["missing-arg", ""]],
  sort: [""],
  sort_natural: [""],
  split: ["' '", ["empty-sep", "''"], ["missing-arg", ""]],
  strip: [""],
  strip_html: [""],
  strip_newlines: [""],
  times: ["3", ["float-arg", "1.5"], ["missing-arg", ""]],
  truncate: ["8", ["ellipsis", "8, '…'"], ["short", "2"], ["missing-arg", ""]],
  truncatewords: ["2", ["ellipsis", "2, '--'"], ["zero", "0"], ["missing-arg", ""]],
  uniq: [""],
  upcase: [""],
  url_decode: [""],
  url_encode: [""],
  where: ["'city'", ["value", "'city', 'London'"], ["missing-arg", ""]],
};

function filterCall(filter, args) {
  return args === "" ? filter : `${filter}: ${args}`;
}

const std = base("std");
const standard = [];
for (const [filter, [main, ...variants]] of Object.entries(FILTERS)) {
  for (const [label, expression] of INPUTS) {
    standard.push(std(`${filter}/${label}`, `[{{ ${expression} | ${filterCall(filter, main)} }}]`));
  }
  for (const [label, args, literal] of variants) {
    if (literal) standard.push(std(`${filter}/${label}`, `[{{ ${literal} | ${filterCall(filter, args)} }}]`));
    else for (const [input, expression] of [["string", "customer.first_name"], ["float", "customer.lifetime_value"], ["array", "customer.tags"]]) {
      standard.push(std(`${filter}/${label}/${input}`, `[{{ ${expression} | ${filterCall(filter, args)} }}]`));
    }
  }
}
let total = write("standard-filters.json", "Every standard Liquid 5 filter with edge-case inputs (empty, nil, missing, unicode, negative and float numbers, arrays and hashes) and missing or odd arguments.", standard);

// ---------------------------------------------------------------- filters in use: literals and chains

const lit = base("filters");
const literals = [
  ["append-literal", "{{ 'foo' | append: 'bar' }}"],
  ["prepend-literal", "{{ 'apples' | prepend: 'Some fruit: ' }}"],
  ["capitalize-sentence", "{{ 'my GREAT title' | capitalize }}"],
  ["capitalize-accent", "{{ 'élan vital' | capitalize }}"],
  ["upcase-accent", "{{ 'straße ñ é' | upcase }}"],
  ["downcase-accent", "{{ 'ÀÉÎ ÕÜ' | downcase }}"],
  ["size-accent", "{{ 'héllo' | size }}"],
  ["size-emoji", "{{ '👍🏽x' | size }}"],
  ["reverse-array", "{{ customer.tags | reverse | join: ',' }}"],
  ["reverse-string", "{{ 'abc' | reverse }}"],
  ["split-join", "{{ 'a,b,,c' | split: ',' | join: '|' }}"],
  ["split-trailing", "{{ 'a,b,,' | split: ',' | size }}"],
  ["split-size", "{{ customer.sentence | split: ' ' | size }}"],
  ["split-first-last", "{{ customer.email | split: '@' | first }} at {{ customer.email | split: '@' | last }}"],
  ["split-nbsp", "{{ customer.nbsp | split: ' ' | size }}"],
  ["sort-numbers", "{{ customer.scores | sort | join: ',' }}"],
  ["sort-strings", "{{ 'b,C,a' | split: ',' | sort | join: ',' }}"],
  ["sort-natural", "{{ 'b,C,a' | split: ',' | sort_natural | join: ',' }}"],
  ["sort-by-key", "{{ event.items | sort: 'price' | map: 'sku' | join: ',' }}"],
  ["sort-natural-by-key", "{{ event.items | sort_natural: 'name' | map: 'sku' | join: ',' }}"],
  ["map-join", "{{ event.items | map: 'name' | join: ', ' }}"],
  ["map-missing-key", "[{{ event.items | map: 'gift' | join: ',' }}]"],
  ["where-truthy", "{{ event.items | where: 'gift' | map: 'name' | join: ',' }}"],
  ["where-value", "{{ event.items | where: 'category', 'tools' | map: 'sku' | join: ',' }}"],
  ["where-number", "{{ event.items | where: 'qty', 1 | map: 'sku' | join: ',' }}"],
  ["uniq", "{{ 'a,b,a,c,b' | split: ',' | uniq | join: ',' }}"],
  ["uniq-key", "{{ event.items | uniq: 'category' | map: 'category' | join: ',' }}"],
  ["compact-key", "{{ event.items | compact: 'gift' | size }}"],
  ["concat", "{{ customer.tags | concat: event.items | size }}"],
  ["first-last-items", "{{ event.items.first.name }} / {{ event.items.last.name }}"],
  ["first-filter-hash", "{{ event.items | first | map: 'name' }}"],
  ["size-dot", "{{ event.items.size }} {{ customer.tags.size }} {{ customer.name.size }}"],
  ["index", "{{ event.items[1].sku }} {{ customer.tags[0] }} {{ customer.tags[-1] }}"],
  ["index-var", "{% assign i = 2 %}{{ customer.tags[i] }}"],
  ["bracket-key", "{{ customer['first_name'] }} {{ trigger.headers['x-source'] }}"],
  ["slice-string", "{{ 'Liquid' | slice: 2, 5 }}"],
  ["slice-negative", "{{ 'Liquid' | slice: -3, 2 }}"],
  ["slice-array", "{{ customer.tags | slice: 1, 2 | join: ',' }}"],
  ["slice-unicode", "{{ customer.accented | slice: 0, 3 }}"],
  ["truncate-exact", "{{ 'Ground control' | truncate: 14 }}"],
  ["truncate-long", "{{ customer.sentence | truncate: 20 }}"],
  ["truncate-custom", "{{ customer.sentence | truncate: 20, '' }}"],
  ["truncate-unicode", "{{ customer.accented | truncate: 7 }}"],
  ["truncatewords", "{{ customer.sentence | truncatewords: 3 }}"],
  ["truncatewords-newlines", "{{ customer.multiline | truncatewords: 2 }}"],
  ["truncatewords-long", "{{ 'one two' | truncatewords: 5 }}"],
  ["strip-html", "{{ customer.html | strip_html }}"],
  ["strip-html-script", "{{ '<script>alert(1)</script>text<!-- c --><style>p.a</style>' | strip_html }}"],
  ["strip-newlines", "{{ customer.multiline | strip_newlines }}"],
  ["newline-to-br", "{{ customer.multiline | newline_to_br }}"],
  ["strip-padded", "[{{ customer.padded | strip }}][{{ customer.padded | lstrip }}][{{ customer.padded | rstrip }}]"],
  ["strip-nbsp", "[{{ customer.nbsp | strip }}]"],
  ["escape-bio", "{{ customer.bio | escape }}"],
  ["escape-once-mixed", "{{ '&lt;b&gt; & <i>' | escape_once }}"],
  ["url-encode-url", "{{ customer.url | url_encode }}"],
  ["url-encode-email", "{{ customer.email | url_encode }}"],
  ["url-encode-accent", "{{ customer.accented | url_encode }}"],
  ["url-encode-emoji", "{{ customer.emoji | url_encode }}"],
  ["url-decode", "{{ 'Ada%20%2B%20Co+%C3%A9' | url_decode }}"],
  ["base64-roundtrip", "{{ customer.accented | base64_encode | base64_decode }}"],
  ["base64-email", "{{ customer.email | base64_encode }}"],
  ["base64-url-safe", "{{ 'subjects?_d' | base64_url_safe_encode }}"],
  ["replace-multi", "{{ 'a-b-c' | replace: '-', '_' }}"],
  ["replace-first", "{{ 'a-b-c' | replace_first: '-', '_' }}"],
  ["replace-last", "{{ 'a-b-c' | replace_last: '-', '_' }}"],
  ["remove-last", "{{ 'a-b-c' | remove_last: '-' }}"],
  ["remove-phone", "{{ customer.phone | remove: ' ' | remove: '+' }}"],
  ["replace-hash", "{{ customer.address | replace: '=>', ':' }}"],
  ["default-chain", "{{ customer.nickname | default: customer.first_name | upcase }}"],
  ["default-empty-string", "{{ customer.source | default: 'Unknown' }}"],
  ["default-false", "{{ customer.unsubscribed | default: 'no' }}"],
  ["default-zero", "{{ 0 | default: 5 }}"],
  ["default-empty-list", "{{ customer.empty_list | default: 'none' }}"],
  ["default-empty-hash", "{{ customer.empty_hash | default: 'none' }}"],
  ["default-blank-text", "[{{ customer.blank_text | default: 'x' }}]"],
  ["chain-long", "{{ customer.name | downcase | replace: ' ', '-' | append: '-' | append: customer.id | url_encode }}"],
  ["plus-int", "{{ 4 | plus: 2 }}"],
  ["plus-float", "{{ 4.5 | plus: 2 }}"],
  ["plus-string-int", "{{ '4' | plus: 2 }}"],
  ["plus-string-float", "{{ '4.5' | plus: 2 }}"],
  ["plus-big", "{{ 9007199254740991 | plus: 0 }}"],
  ["minus-negative", "{{ -3 | minus: 4 }}"],
  ["times-float", "{{ 3 | times: 0.1 }}"],
  ["times-money", "{{ event.total | times: 100 }}"],
  ["times-money-round", "{{ event.total | times: 100 | round }}"],
  ["divided-int", "{{ 20 | divided_by: 7 }}"],
  ["divided-negative", "{{ -20 | divided_by: 7 }}"],
  ["divided-float", "{{ 20 | divided_by: 7.0 }}"],
  ["divided-float-input", "{{ 20.5 | divided_by: 7 }}"],
  ["divided-by-zero", "{{ 20 | divided_by: 0 }}"],
  ["modulo-int", "{{ 20 | modulo: 7 }}"],
  ["modulo-negative", "{{ -20 | modulo: 7 }}"],
  ["modulo-float", "{{ 20.5 | modulo: 7 }}"],
  ["round-half", "{{ 2.5 | round }} {{ 3.5 | round }} {{ -2.5 | round }}"],
  ["round-digits", "{{ 3.14159 | round: 2 }} {{ event.total | round: 1 }}"],
  ["ceil-floor", "{{ 1.2 | ceil }} {{ -1.2 | ceil }} {{ 1.8 | floor }} {{ -1.8 | floor }}"],
  ["abs", "{{ -17 | abs }} {{ '-17.5' | abs }} {{ 4 | abs }}"],
  ["at-least-most", "{{ 4 | at_least: 5 }} {{ 4 | at_most: 3 }} {{ 4.5 | at_least: 4 }}"],
  ["money", "{{ event.items[0].price | times: event.items[0].qty }}"],
  ["float-sum", "{{ 0.1 | plus: 0.2 }}"],
  ["float-print", "{{ customer.ratio }} {{ customer.balance }} {{ event.total }}"],
  ["float-small", "{{ 0.0001 }} {{ 0.00001 }}"],
  ["float-large", "{{ 123456789.123 }}"],
  ["int-large", "{{ 12345678901234567 }}"],
  ["negative-zero", "{{ -0 }}"],
  ["number-literals", "{{ 1 }} {{ -1 }} {{ 1.5 }} {{ -1.5 }}"],
  ["string-number-compare", "{% if customer.numeric_text == 42 %}eq{% else %}ne{% endif %}"],
  ["date-ymd", "{{ customer.created_at | date: '%Y-%m-%d' }}"],
  ["date-iso", "{{ event.timestamp | date: '%Y-%m-%dT%H:%M:%SZ' }}"],
  ["date-long", "{{ event.timestamp | date: '%A, %B %-d, %Y at %-I:%M %p' }}"],
  ["date-offset", "{{ event.local_time | date: '%F %T %z' }}"],
  ["date-unix", "{{ event.unix | date: '%s' }}"],
  ["date-string-unix", "{{ '1709622489' | date: '%F' }}"],
  ["date-birthday", "{{ customer.birthday | date: '%b %d' }}"],
  ["date-words", "{{ 'March 14, 2016' | date: '%d/%m/%Y' }}"],
  ["date-rfc", "{{ 'Tue, 05 Mar 2024 07:08:09 GMT' | date: '%F %T' }}"],
  ["date-composites", "{{ event.timestamp | date: '%F|%T|%D|%R|%r|%c|%x|%X' }}"],
  ["date-flags", "{{ event.timestamp | date: '%-m/%-d/%y %e %k %l %j %U %W %u %w' }}"],
  ["date-upper", "{{ event.timestamp | date: '%^a %^b %^B' }}"],
  ["date-padding", "{{ event.timestamp | date: '%_m %03d %-H' }}"],
  ["date-percent", "{{ event.timestamp | date: '100%% at %H' }}"],
  ["date-zone", "{{ event.timestamp | date: '%Z %z' }}"],
  ["date-invalid", "{{ 'not a date' | date: '%F' }}"],
  ["date-nil", "[{{ customer.nickname | date: '%F' }}]"],
  ["date-float", "{{ customer.ratio | date: '%F' }}"],
  ["date-negative", "{{ -86400 | date: '%F' }}"],
  ["date-millis", "{{ event.timestamp | date: '%L' }}"],
  ["date-chain-plus", "{{ customer.created_at | plus: 86400 | date: '%F' }}"],
  ["date-space-format", "[{{ event.timestamp | date: ' ' }}]"],
  ["size-compare", "{% if customer.tags.size > 2 %}many{% endif %}"],
  ["join-numbers", "{{ customer.scores | join: '+' }}"],
  ["join-nested", "{{ customer.nested_list | join: ',' }}"],
  ["join-hashes", "{{ event.items | join: ';' | size }}"],
  ["first-hash", "{{ customer.address | first }}"],
  ["last-hash", "[{{ customer.address | last }}]"],
].map(([name, template]) => lit(name, template));
total += write("filters-in-use.json", "Filters on literals and real data, alone and chained: maths with Integer/Float rules, dates, arrays of hashes, escaping.", literals);

// ---------------------------------------------------------------- printing values

const pr = base("print");
const printing = [];
const PRINTED = [
  "customer", "customer.address", "customer.tags", "customer.scores", "customer.nested_list", "customer.mixed_list",
  "customer.empty_list", "customer.empty_hash", "customer.vip", "customer.unsubscribed", "customer.nickname", "customer.lifetime_value",
  "customer.created_at", "customer.comment", "customer.accented", "customer.emoji", "customer.nbsp", "event", "event.items",
  "event.items[0]", "event.order", "trigger", "trigger.payload", "trigger.payload.user.roles", "nil", "true", "false", "empty", "blank",
  "'literal'", "\"double\"", "(1..4)", "customer.no_such_key", "customer.first_name.no_such_key", "customer.tags.first",
  "customer.tags.last", "customer.address.size", "customer.address.first", "event.items.first.tags",
];
for (const expression of PRINTED) printing.push(pr(expression, `[{{ ${expression} }}]`));
for (const expression of ["customer", "customer.address", "event.items", "event.order", "trigger.payload"]) {
  printing.push(pr(`json-by-replace/${expression}`, `{{ ${expression} | replace: "=>", ":" }}`));
  printing.push(pr(`inspect-in-string-filter/${expression}`, `{{ ${expression} | append: "" }}`));
  printing.push(pr(`size/${expression}`, `{{ ${expression} | size }}`));
}
printing.push(pr("hash-with-special-strings", "{{ customer.comment | split: 'x' }}|{{ trigger.headers }}"));
printing.push(pr("whitespace-control", "a  {{- customer.first_name -}}  b {%- if true -%} c {%- endif -%} d"));
printing.push(pr("whitespace-control-newlines", "{%- for t in customer.tags -%}\n  {{ t }}\n{%- endfor -%}\n"));
printing.push(pr("text-with-braces", "{ \"a\": { \"b\": \"{{ customer.id }}\" } }"));
printing.push(pr("lone-braces", "{ } }} {{ customer.id }} %}"));
total += write("printing.json", "What {{ value }} prints for every kind of value: hashes and arrays as Ruby inspects them, nil, booleans, ranges, missing keys.", printing);

// ---------------------------------------------------------------- tags

const tg = base("tags");
const tags = [
  ["if-else", "{% if customer.vip %}VIP{% else %}regular{% endif %}"],
  ["if-elsif", "{% if customer.plan == 'free' %}F{% elsif customer.plan == 'pro' %}P{% else %}O{% endif %}"],
  ["if-and-or", "{% if customer.vip and customer.unsubscribed or customer.age > 30 %}yes{% endif %}"],
  ["if-right-to-left", "{% if true or false and false %}T{% else %}F{% endif %}"],
  ["if-contains-string", "{% if customer.email contains '@example.com' %}internal{% endif %}"],
  ["if-contains-array", "{% if customer.tags contains 'vip' %}vip{% endif %}"],
  ["if-contains-number", "{% if customer.scores contains 3 %}has3{% else %}no3{% endif %}"],
  ["if-contains-nil", "{% if customer.nickname contains 'a' %}y{% else %}n{% endif %}"],
  ["if-compare-numbers", "{% if customer.age >= 36 %}a{% endif %}{% if customer.age < 36 %}b{% endif %}{% if customer.lifetime_value > 1000 %}c{% endif %}"],
  ["if-compare-string-number", "{% if customer.numeric_text > 10 %}gt{% else %}no{% endif %}"],
  ["if-compare-nil", "{% if customer.nickname > 10 %}gt{% else %}no{% endif %}"],
  ["if-ne", "{% if customer.plan != 'free' %}paid{% endif %}"],
  ["if-lt-gt-ops", "{% if 1 <> 2 %}ne{% endif %}"],
  ["if-blank", "{% if customer.first_name != blank %}Hello {{ customer.first_name }}!{% else %}Hello there!{% endif %}"],
  ["if-blank-empty", "{% if customer.empty == blank %}b{% endif %}{% if customer.blank_text == blank %}w{% endif %}{% if customer.nickname == blank %}n{% endif %}"],
  ["if-empty", "{% if customer.empty == empty %}e{% endif %}{% if customer.empty_list == empty %}l{% endif %}{% if customer.empty_hash == empty %}h{% endif %}{% if customer.nickname == empty %}n{% endif %}"],
  ["if-nil", "{% if customer.nickname == nil %}nil{% endif %}{% if customer.no_such_key == nil %}missing{% endif %}"],
  ["if-truthy-values", "{% if customer.empty %}1{% endif %}{% if 0 %}2{% endif %}{% if customer.empty_list %}3{% endif %}{% if customer.unsubscribed %}4{% endif %}{% if customer.nickname %}5{% endif %}"],
  ["if-size", "{% if customer.company_url.size > 0 %}{{ customer.company_url }}{% else %}mycompany.com{% endif %}"],
  ["if-size-missing", "{% if customer.source.size > 0 %}{{ customer.source }}{% else %}Unknown{% endif %}"],
  ["if-string-compare", "{% if 'b' > 'a' %}yes{% endif %}"],
  ["if-bool-compare", "{% if customer.vip == true %}t{% endif %}{% if customer.unsubscribed == false %}f{% endif %}"],
  ["if-hash-key-compare", "{% if event.order.shipping.method == 'express' %}fast{% endif %}"],
  ["if-range-contains", "{% if (1..5) contains 3 %}in{% endif %}"],
  ["if-float-int-eq", "{% if 1.0 == 1 %}eq{% endif %}"],
  ["unless", "{% unless customer.unsubscribed %}subscribed{% endunless %}"],
  ["unless-else", "{% unless customer.vip %}no{% else %}vip{% endunless %}"],
  ["case-when", "{% case customer.plan %}{% when 'free' %}F{% when 'pro', 'team' %}P{% else %}O{% endcase %}"],
  ["case-when-or", "{% case event.plan %}{% when 'pro' or 'enterprise' %}paid{% endcase %}"],
  ["case-number", "{% case customer.NPS_rating %}{% when 9 %}nine{% when 10 %}ten{% endcase %}"],
  ["case-nil", "{% case customer.nickname %}{% when nil %}none{% else %}some{% endcase %}"],
  ["case-else-only", "{% case customer.plan %}{% else %}E{% endcase %}"],
  ["for-basic", "{% for t in customer.tags %}{{ t }},{% endfor %}"],
  ["for-forloop", "{% for t in customer.tags %}{{ forloop.index }}/{{ forloop.length }}:{{ forloop.first }}:{{ forloop.last }}:{{ forloop.index0 }}:{{ forloop.rindex }}:{{ forloop.rindex0 }} {% endfor %}"],
  ["for-limit-offset", "{% for t in customer.tags limit: 2 offset: 1 %}{{ t }}{% endfor %}"],
  ["for-reversed", "{% for t in customer.tags reversed %}{{ t }}{% endfor %}"],
  ["for-range", "{% for i in (1..5) %}{{ i }}{% endfor %}"],
  ["for-range-var", "{% for i in (1..event.quantity) %}{{ i }}{% endfor %}"],
  ["for-range-empty", "{% for i in (3..1) %}{{ i }}{% else %}none{% endfor %}"],
  ["for-else", "{% for t in customer.empty_list %}{{ t }}{% else %}empty{% endfor %}"],
  ["for-nil", "{% for t in customer.nickname %}{{ t }}{% else %}nil{% endfor %}"],
  ["for-string", "{% for c in customer.first_name %}[{{ c }}]{% endfor %}"],
  ["for-hash", "{% for pair in customer.address %}{{ pair[0] }}={{ pair[1] }};{% endfor %}"],
  ["for-hash-print", "{% for pair in event.order %}{{ pair }};{% endfor %}"],
  ["for-break", "{% for i in (1..10) %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}"],
  ["for-continue", "{% for i in (1..5) %}{% if i == 3 %}{% continue %}{% endif %}{{ i }}{% endfor %}"],
  ["for-nested", "{% for item in event.items %}{{ item.name }}:{% for t in item.tags %}{{ t }}{% endfor %};{% endfor %}"],
  ["for-parentloop", "{% for a in (1..2) %}{% for b in (1..2) %}{{ forloop.parentloop.index }}{{ b }} {% endfor %}{% endfor %}"],
  ["for-json-array", "[{% for item in event.items %}{\"sku\": \"{{ item.sku }}\", \"qty\": {{ item.qty }}}{% unless forloop.last %},{% endunless %}{% endfor %}]"],
  ["for-limit-var", "{% assign n = 1 %}{% for t in customer.tags limit: n %}{{ t }}{% endfor %}"],
  ["for-offset-continue", "{% for i in (1..6) limit: 2 %}{{ i }}{% endfor %}|{% for i in (1..6) offset: continue limit: 2 %}{{ i }}{% endfor %}"],
  ["for-loop-var-leaks", "{% for t in customer.tags %}{% endfor %}[{{ t }}]"],
  ["cycle", "{% for i in (1..5) %}{% cycle 'odd', 'even' %} {% endfor %}"],
  ["cycle-group", "{% for i in (1..3) %}{% cycle 'g': 'a', 'b' %}{% cycle 'h': 'x', 'y', 'z' %}{% endfor %}"],
  ["tablerow", "{% tablerow t in customer.tags cols: 2 %}{{ t }}{% endtablerow %}"],
  ["tablerow-limit", "{% tablerow i in (1..4) limit: 3 %}{{ tablerowloop.col }}{{ i }}{% endtablerow %}"],
  ["assign", "{% assign greeting = 'Hi ' | append: customer.first_name %}{{ greeting }}"],
  ["assign-filters", "{% assign total = event.total | times: 100 | round %}{{ total }}"],
  ["assign-array", "{% assign parts = customer.email | split: '@' %}{{ parts[1] }}"],
  ["assign-bool", "{% assign flag = true %}{% if flag %}on{% endif %}"],
  ["assign-nil", "{% assign x = nil %}[{{ x }}]{% if x == nil %}nil{% endif %}"],
  ["assign-shadow", "{% assign customer = 'overridden' %}{{ customer }}"],
  ["capture", "{% capture full %}{{ customer.first_name }} {{ customer.last_name }}{% endcapture %}{{ full | upcase }}"],
  ["capture-json", "{% capture body %}{\"id\": \"{{ customer.id }}\"}{% endcapture %}{{ body | size }}"],
  ["capture-in-loop", "{% for t in customer.tags %}{% capture list %}{{ list }}{{ t }};{% endcapture %}{% endfor %}{{ list }}"],
  ["increment", "{% increment c %}{% increment c %}{% increment c %}[{{ c }}]"],
  ["decrement", "{% decrement d %}{% decrement d %}[{{ d }}]"],
  ["increment-vs-assign", "{% assign n = 10 %}{% increment n %}{% increment n %}{{ n }}"],
  ["comment", "a{% comment %} {{ customer.id }} {% if %} {% endcomment %}b"],
  ["comment-inline", "a{%# a note %}b"],
  ["raw", "{% raw %}{{ customer.id }} {% if x %}{% endraw %}"],
  ["echo", "{% echo customer.first_name | upcase %}"],
  ["liquid-tag", "{% liquid\nassign n = customer.tags | size\nif n > 1\n  echo 'many'\nelse\n  echo 'few'\nendif\n%}"],
  ["liquid-tag-for", "{% liquid\nfor t in customer.tags\n  echo t | append: ';'\nendfor\n%}"],
  ["ifchanged", "{% for t in 'a,a,b,b,a' | split: ',' %}{% ifchanged %}{{ t }}{% endifchanged %}{% endfor %}"],
  ["if-no-space", "{%if customer.vip%}v{%endif%}"],
  ["else-no-space", "{% if customer.company_url.size > 0 %}{{customer.company_url}}{%else %}mycompany.com{% endif %}"],
  ["if-with-filter-in-condition", "{% if customer.first_name | upcase == 'ADA' %}y{% else %}n{% endif %}"],
  ["nested-if-for", "{% for item in event.items %}{% if item.price > 10 %}{{ item.sku }}{% elsif item.gift %}gift{% else %}-{% endif %}{% endfor %}"],
  ["deep-nesting", "{% if true %}{% for a in (1..2) %}{% case a %}{% when 1 %}{% unless false %}one{% endunless %}{% else %}{% if a == 2 %}two{% endif %}{% endcase %}{% endfor %}{% endif %}"],
  ["unknown-tag", "{% frobnicate %}x"],
  ["unclosed-if", "{% if customer.vip %}x"],
  ["unclosed-output", "{{ customer.id "],
  ["stray-endif", "x{% endif %}"],
  ["bad-operator", "{% if customer.age =! 3 %}x{% endif %}"],
  ["include-refused", "{% include 'footer' %}"],
  ["render-refused", "{% render 'footer' %}"],
  ["empty-output", "[{{ }}]"],
  ["output-with-only-filter", "[{{ | upcase }}]"],
  ["trailing-garbage-output", "{{ customer.first_name customer.last_name }}"],
  ["filter-no-colon", "{{ customer.first_name | append '!' }}"],
  ["double-pipe", "{{ customer.first_name || upcase }}"],
  ["unknown-filter", "{{ customer.first_name | frobnicate }}"],
  ["json-filter", "{{ customer.first_name | json }}"],
  ["range-float", "{% for i in (1.5..3) %}{{ i }}{% endfor %}"],
  ["range-string", "{% for i in ('1'..'3') %}{{ i }}{% endfor %}"],
  ["contains-in-unless", "{% unless customer.tags contains 'spam' %}clean{% endunless %}"],
].map(([name, template]) => tg(name, template));
total += write("tags.json", "Every standard Liquid 5 tag (if/elsif/else, unless, case/when, for with its options and forloop, break/continue, cycle, tablerow, assign, capture, increment/decrement, comment, raw, echo, liquid, ifchanged) and malformed markup.", tags);

// ---------------------------------------------------------------- Customer.io usage

const cio = base("cio");
const customerio = [
  // The five source documents.
  ["gist-message", "{\n\t\"messageId\": \"the-message-id\",\n\t\"userToken\": \"{{customer.id}}\",\n\t\"priority\": 1\n}"],
  ["basics-json", "{\n\"id\":\"{{customer.id}}\",\n\"email\":\"{{customer.email}}\"\n}"],
  ["basics-customer-as-json", "{\n\"customer\":\n{{ customer | replace: \"=>\", \":\"}}\n}"],
  ["basics-form", "id={{customer.id}}&email={{customer.email}}&custom_attribute={{customer.another_attribute}}"],
  ["recipe-zendesk", "{\n    \"ticket\": {\n        \"subject\": \"{{customer.company_name}} has canceled their account.\",\n        \"comment\": { \"body\":\"{{event.feedback}}\" },\n        \"requester\": { \"name\":\"{{customer.firstName\"}} {{customer.lastName\"}},\"email\":\"{{customer.email}}\"\n        }\n    }\n}"],
  ["recipe-trello", "{\n    \"name\": \"Schedule call with {{customer.name}}\",\n    \"idList\":\"{{the id of the list you're adding to}}\",\n    \"due\":\"null\",\n    \"desc\":\"The customer can be reached at {{customer.email}}.\"\n}"],
  ["recipe-lob", "{\n    \"description\":          \"What a fancy postcard\",\n    \"to\": {\n        \"name\":             \"{{ customer.first_name }} {{ customer.last_name }}\",\n        \"address_line1\":    \"{{ customer.address_1 }}\",\n        \"address_line2\":    \"{{ customer.address_2 }}\",\n        \"address_city\":     \"{{ customer.city }}\",\n        \"address_state\":    \"{{ customer.State }}\",\n        \"address_zip\":      \"{{ customer.zip }}\",\n        \"address_country\":  \"US\"\n    },\n    \"back\":                 \"<html style='padding: 1in; font-size: 18;'>Hi {{ customer.first_name }}, Thanks for being our customer!</html>\"\n}"],
  ["recipe-helpscout-no-dates", "{\n    \"type\": \"email\",\n    \"customer\": {\n        \"email\": \"{{customer.email}}\",\n        \"firstName\":\"{{customer.firstName}}\",\n        \"lastName\":\"{{customer.lastName}}\"\n    },\n    \"subject\": \"Low NPS rating from customer {{customer.firstName}} {{customer.lastName}}\",\n    \"threads\": [\n        {\n            \"type\": \"customer\",\n            \"body\": \"{{customer.comment}} \\n \\n Rating: {{customer.NPS_rating}}\",\n            \"status\": \"active\"\n        }\n    ]\n}"],
  ["recipe-helpscout-date-of-timestamp", "\"createdAt\": \"{% assign current_time = event.timestamp %}{{current_time | date: \"%F\"}}\""],
  ["recipe-close", "{\n  \"name\": \"{{customer.company}}\",\n  \"url\": \"{% if customer.company_url.size > 0 %}{{customer.company_url}}{%else %}mycompany.com{% endif %}\",\n  \"description\": \"{{customer.bio}}\",\n  \"contacts\": [\n    {\n      \"name\": \"{{customer.first_name}} {{customer.last_name}}\",\n      \"title\": \"{{customer.jobTitle}}\",\n      \"emails\": [ { \"type\": \"office\", \"email\": \"{{customer.email}}\" } ],\n      \"phones\": [ { \"type\": \"office\", \"phone\": \"{{customer.phone}}\" } ]\n    }\n  ],\n  \"custom\": {\n    \"Source\": \"{% if customer.source.size > 0 %}{{customer.source}}{%else %}Unknown{% endif %}\"\n  },\n  \"addresses\": [\n    \"{{customer.address}}\"\n  ]\n}"],
  ["recipe-twilio-whatsapp", "Body=Hello\n&To=whatsapp%3A{{customer.phone|escape}}\n&From=whatsapp%3A+14155238886"],
  ["recipe-twilio-url-encoded", "Body={{ 'Hi ' | append: customer.first_name | append: ', your order shipped!' | url_encode }}&To=whatsapp%3A{{ customer.phone | url_encode }}"],
  // Customer.io's Liquid docs: customer, event and trigger scopes.
  ["doc-default-there", "Hi {{ customer.first_name | default: \"there\" }}"],
  ["doc-default-there-missing", "Hi {{ customer.nickname | default: \"there\" }}"],
  ["doc-blank-check", "{% if customer.first_name != blank %}\n  Hello {{ customer.first_name }}!\n{% else %}\n  Hello there!\n{% endif %}"],
  ["doc-blank-check-nil", "{% if customer.nickname != blank %}Hello {{ customer.nickname }}!{% else %}Hello there!{% endif %}"],
  ["doc-event-property", "You bought the {{ event.plan }} plan for {{ event.total }} {{ event.currency }}"],
  ["doc-event-nested", "Shipping: {{ event.order.shipping.method }} ({{ event.order.shipping.cost }})"],
  ["doc-trigger", "{{ trigger.payload.user.email }} did {{ trigger.payload.action }}"],
  ["doc-trigger-array", "{{ trigger.payload.user.roles | join: ' & ' }}"],
  ["doc-trigger-amount", "{{ trigger.payload.amount | plus: 0 }}"],
  ["doc-event-items-loop", "{% for item in event.items %}- {{ item.qty }} × {{ item.name }} @ {{ item.price }}\n{% endfor %}"],
  ["doc-items-total", "{% assign sum = 0 %}{% for item in event.items %}{% assign line = item.price | times: item.qty %}{% assign sum = sum | plus: line %}{% endfor %}{{ sum }}"],
  ["doc-capitalize-name", "{{ customer.first_name | capitalize }} {{ customer.last_name | upcase }}"],
  ["doc-date-created", "Member since {{ customer.created_at | date: \"%B %-d, %Y\" }}"],
  ["doc-date-created-iso", "{{ customer.created_at | date: \"%Y-%m-%dT%H:%M:%S%z\" }}"],
  ["doc-date-signed-up", "{{ customer.signed_up | date: '%b %e, %Y' }}"],
  ["doc-unsubscribe-check", "{% if customer.unsubscribed == false %}subscribed{% endif %}"],
  ["doc-plan-case", "{% case customer.plan %}{% when \"pro\" %}Thanks for going Pro{% when \"free\" %}Upgrade today{% else %}Hello{% endcase %}"],
  ["doc-contains-tag", "{% if customer.tags contains \"beta\" %}Beta access enabled{% endif %}"],
  ["doc-email-domain", "{{ customer.email | split: \"@\" | last }}"],
  ["doc-truncate-feedback", "{{ event.feedback | truncate: 15 }}"],
  ["doc-url-with-params", "https://example.com/welcome?email={{ customer.email | url_encode }}&name={{ customer.name | url_encode }}"],
  ["doc-money", "{{ customer.lifetime_value | divided_by: 100.0 | round: 2 }}"],
  ["doc-counting", "You have {{ event.items | size }} item{% if event.items.size != 1 %}s{% endif %}"],
  ["doc-first-item", "{{ event.items.first.name | default: 'your item' }}"],
  ["doc-where-category", "{% assign tools = event.items | where: \"category\", \"tools\" %}{{ tools.size }} tools: {{ tools | map: \"name\" | join: \", \" }}"],
  ["doc-assign-fallback", "{% assign name = customer.nickname | default: customer.first_name %}{{ name }}"],
  ["doc-nps-branch", "{% if customer.NPS_rating >= 9 %}promoter{% elsif customer.NPS_rating >= 7 %}passive{% else %}detractor{% endif %}"],
  // Webhook bodies people write.
  ["body-segment-track", "{\n  \"userId\": \"{{ customer.id }}\",\n  \"event\": \"{{ event.name }}\",\n  \"properties\": {\"plan\": \"{{ event.plan }}\", \"total\": {{ event.total }}, \"coupon\": \"{{ event.coupon | default: 'none' }}\"}\n}"],
  ["body-slack", "{\"text\": \"New {{ event.plan }} signup: {{ customer.name }} <{{ customer.email }}>\"}"],
  ["body-slack-escaped-quotes", "{\"text\": \"{{ customer.comment | replace: '\"', '\\\\\"' | strip_newlines }}\"}"],
  ["body-hubspot", "{\"properties\": [{\"property\": \"email\", \"value\": \"{{ customer.email }}\"}, {\"property\": \"firstname\", \"value\": \"{{ customer.first_name }}\"}, {\"property\": \"lifecyclestage\", \"value\": \"{% if customer.vip %}customer{% else %}lead{% endif %}\"}]}"],
  ["body-items-json", "{\"items\": [{% for item in event.items %}{\"sku\": \"{{ item.sku }}\", \"price\": {{ item.price }}}{% if forloop.last == false %}, {% endif %}{% endfor %}]}"],
  ["body-tags-json", "{\"tags\": [{% for t in customer.tags %}\"{{ t }}\"{% unless forloop.last %},{% endunless %}{% endfor %}]}"],
  ["body-event-as-json", "{\"event\": {{ event.order | replace: \"=>\", \":\" }}}"],
  ["body-nil-in-hash-json", "{{ customer.address | replace: \"=>\", \":\" }} {{ event.items[1] | replace: '=>', ':' }}"],
  ["body-form-encoded", "email={{ customer.email | url_encode }}&plan={{ event.plan | url_encode }}&name={{ customer.accented | url_encode }}"],
  ["body-xml", "<lead><name>{{ customer.name | escape }}</name><bio>{{ customer.bio | escape }}</bio></lead>"],
  ["body-html-email", "<p>Hi {{ customer.first_name | escape }},</p><p>{{ customer.comment | escape | newline_to_br }}</p>"],
  ["url-path", "https://api.example.com/v1/users/{{ customer.id }}/events?type={{ event.name }}"],
  ["url-path-encoded", "https://api.example.com/search?q={{ customer.accented | url_encode }}"],
  ["header-auth", "Bearer {{ trigger.payload.user.id | append: '-' | append: customer.id }}"],
  ["header-basic", "Basic {{ customer.email | append: ':' | append: customer.id | base64_encode }}"],
  ["header-idempotency", "{{ customer.id }}-{{ event.order.id }}-{{ event.unix }}"],
  ["header-stray-quote-single", "{{ customer.firstName' }}"],
  ["header-stray-quote-open", "{{ \"customer.firstName }}"],
  // Customer.io filters that exist only in its own engine.
  ["cio-only-filter", "{{ customer.created_at | add_days: 3 }}"],
];
const cioCases = customerio.map(([name, template]) => cio(name, template));

// Response → attributes.
const att = base("attributes");
const attributeTemplates = [
  ["lead-id", "{{ response.lead_id }}"],
  ["status", "{{ response.status }}"],
  ["status-check", "{% if response.status == 201 %}created{% else %}other{% endif %}"],
  ["header", "{{ response.headers['x-request-id'] }}"],
  ["header-dash", "{{ response.headers.content-type }}"],
  ["body-nested", "{{ response.body.data.id }}"],
  ["body-array", "{{ response.body.data.tags | join: ',' }}"],
  ["lifetime-value", "{{ customer.lifetime_value | plus: response.amount }}"],
  ["lifetime-value-body", "{{ customer.lifetime_value | plus: response.body.amount }}"],
  ["counter", "{{ customer.NPS_rating | plus: 1 }}"],
  ["counter-missing", "{{ customer.purchase_count | plus: 1 }}"],
  ["flag", "{{ response.ok }}"],
  ["body-hash", "{{ response.body.data }}"],
  ["missing", "[{{ response.nothing.here }}]"],
  ["default-missing", "{{ response.nothing | default: customer.plan }}"],
  ["date-from-response", "{{ response.status | plus: 1700000000 | date: '%F' }}"],
  ["concat-ids", "{{ response.lead_id | prepend: 'lead:' | append: ':' | append: customer.id }}"],
  ["times-amount", "{{ response.amount | times: 2 }}"],
  ["round-amount", "{{ response.amount | round }}"],
  ["tag-list", "{{ customer.tags | concat: response.data.tags | uniq | join: ',' }}"],
].map(([name, template]) => att(name, template, "attributes"));
total += write("customerio.json", "Customer.io usage: every Liquid snippet in the five source documents (dated ones with a fixed date), its published webhook recipes and Liquid-doc patterns, everyday webhook bodies, URLs and headers, and response → attribute templates.", [...cioCases, ...attributeTemplates]);

console.log(`${total} cases`);
