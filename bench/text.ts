// Procedural Chinese documents for the benchmark: varied original text from a seeded PRNG, so a
// run is reproducible and no two documents (or paragraphs) are the same.

/** mulberry32: a small, fast, seeded PRNG (not for anything secret). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const subjects = [
  "我们",
  "大家",
  "社区",
  "街道",
  "学校",
  "图书馆",
  "居民",
  "志愿者",
  "年轻人",
  "老人",
  "孩子们",
  "城市",
  "乡村",
  "企业",
  "工厂",
  "农民",
  "教师",
  "医生",
  "研究人员",
  "读者",
  "作者",
  "编辑",
  "政府部门",
  "管理者",
  "家长",
  "邻居",
  "朋友们",
  "同事们",
  "这座城市",
  "这条河",
  "那片森林",
  "博物馆",
  "出版社",
  "报社",
  "合作社",
  "实验室",
  "小组",
  "委员会",
  "会议",
  "每一个人",
];
const verbs = [
  "讨论了",
  "看到了",
  "记录了",
  "整理了",
  "提出了",
  "完成了",
  "改变了",
  "坚持了",
  "保护了",
  "发现了",
  "分析了",
  "解决了",
  "支持了",
  "推动了",
  "关注着",
  "回顾了",
  "总结了",
  "思考着",
  "建设了",
  "修复了",
  "调查了",
  "比较了",
  "安排了",
  "准备了",
  "理解了",
  "经历了",
  "承担了",
  "研究了",
  "测量了",
  "规划了",
  "种下了",
  "写下了",
  "翻译了",
  "出版了",
  "收集了",
  "分享了",
];
const objects = [
  "这个问题",
  "历史的经验",
  "新的办法",
  "长远的计划",
  "一份报告",
  "许多意见",
  "公共空间",
  "行道树",
  "老房子",
  "河道",
  "阅读的习惯",
  "时间的价值",
  "城市的记忆",
  "每天的生活",
  "孩子的教育",
  "老人的需求",
  "环境的变化",
  "一条小路",
  "市场的规律",
  "技术的进步",
  "文化的传承",
  "书籍的命运",
  "茶叶的种植",
  "印刷的历史",
  "纸张的来源",
  "季节的更替",
  "地方的方言",
  "传统的手艺",
  "新的数据",
  "过去的错误",
  "未来的方向",
  "共同的目标",
  "这片土地",
  "那段往事",
  "一本旧书",
  "一封来信",
  "这次调查",
  "大量的资料",
  "具体的数字",
];
const adverbs = [
  "认真地",
  "慢慢地",
  "一步一步地",
  "反复地",
  "仔细地",
  "耐心地",
  "坚定地",
  "悄悄地",
  "公开地",
  "主动地",
  "持续地",
  "明确地",
  "全面地",
  "自然地",
  "不断地",
  "逐步地",
];
const connectors = [
  "因此",
  "但是",
  "同时",
  "此外",
  "换句话说",
  "事实上",
  "总的来说",
  "另一方面",
  "比如说",
  "更重要的是",
  "与此同时",
  "说到底",
  "归根结底",
  "不过",
  "所以",
  "其实",
  "然而",
  "可见",
];
const times = [
  "去年春天",
  "过去十年",
  "今年夏天",
  "上个月",
  "在很长一段时间里",
  "每到秋天",
  "从那以后",
  "在冬天",
  "每天早上",
  "最近几年",
  "二十年前",
  "在会议上",
  "在调查中",
  "在那个年代",
];
const clauses = [
  "这件事并不简单",
  "结果出乎很多人的意料",
  "数字背后是一个个具体的人",
  "情况正在慢慢好转",
  "问题比想象中更复杂",
  "每个人都可以做一点事情",
  "这需要更多的耐心",
  "答案往往就在身边",
  "细节决定了成败",
  "经验值得认真总结",
  "变化是一点一点发生的",
  "我们还有很长的路要走",
  "这不是一个人的事情",
  "小事情也有大意义",
  "时间会给出答案",
  "规则需要大家共同遵守",
];
const headingTopics = [
  "回顾与总结",
  "问题与挑战",
  "经验与教训",
  "现状与数据",
  "建议与展望",
  "历史与传统",
  "技术与方法",
  "社区与参与",
  "成本与收益",
  "时间与耐心",
  "记录与整理",
  "责任与分工",
];
const titleWords = [
  "关于",
  "再谈",
  "漫谈",
  "细说",
  "重新认识",
  "走近",
  "记录",
  "思考",
  "回望",
  "寻找",
];
const numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** 一, 二, … 十, 十一, …, 二十, …, 九十九. */
export function chineseNumeral(value: number): string {
  if (value < 1 || value > 99) return String(value);
  const tens = Math.floor(value / 10);
  const ones = value % 10;
  const tensPart = tens === 0 ? "" : tens === 1 ? "十" : `${numerals[tens - 1] ?? ""}十`;
  return tensPart + (ones === 0 ? "" : (numerals[ones - 1] ?? ""));
}

function sentence(random: () => number): string {
  const shape = random();
  if (shape < 0.3)
    return `${pick(random, times)}，${pick(random, subjects)}${pick(random, adverbs)}${pick(random, verbs)}${pick(random, objects)}。`;
  if (shape < 0.55)
    return `${pick(random, connectors)}，${pick(random, subjects)}${pick(random, verbs)}${pick(random, objects)}，${pick(random, clauses)}。`;
  if (shape < 0.8)
    return `${pick(random, subjects)}${pick(random, verbs)}${pick(random, objects)}和${pick(random, objects)}，${pick(random, clauses)}。`;
  return `${pick(random, clauses)}：${pick(random, subjects)}${pick(random, adverbs)}${pick(random, verbs)}${pick(random, objects)}。`;
}

function paragraph(random: () => number): string {
  const count = 4 + Math.floor(random() * 6);
  let text = "";
  for (let index = 0; index < count; index += 1) text += sentence(random);
  return text;
}

export interface BenchDocument {
  slug: string;
  fileName: string;
  text: string;
}

/**
 * Slugs carry six digits, `bench-000001` … `bench-100000`, so they sort in document order and stay
 * unique up to this many documents.
 */
export const maxBenchDocuments = 999_999;

/** `bench-000001` … */
export function benchSlug(index: number): string {
  return `bench-${String(index + 1).padStart(6, "0")}`;
}

/** What a document's front matter says: the same for an imported document and a bulk copy. */
export interface BenchMetadata {
  slug: string;
  title: string;
  /** Within the 3 years before `now`, in whole seconds (the front matter carries the time). */
  publishedAt: Date;
}

function documentRandom(index: number): () => number {
  return seededRandom(0x5eed + index * 7919);
}

/** Draws the title and date first from the document's PRNG (the body continues from there). */
function drawMetadata(random: () => number, index: number, now: Date): BenchMetadata {
  const title = `${pick(random, titleWords)}${pick(random, objects)}（${index + 1}）`;
  const threeYearsMs = 3 * 365 * 24 * 60 * 60 * 1000;
  const published = now.getTime() - Math.floor(random() * threeYearsMs);
  return {
    slug: benchSlug(index),
    title,
    publishedAt: new Date(Math.floor(published / 1000) * 1000),
  };
}

/** The slug, title and date of document `index`, without generating its text. */
export function benchMetadata(index: number, now: Date): BenchMetadata {
  return drawMetadata(documentRandom(index), index, now);
}

/**
 * One document of about `targetChars` Chinese characters (body text), with a heading `一、…` every
 * ~15 paragraphs and one `##paidbegin##` … `##paidend##` region over the latter ~60%.
 */
export function benchDocument(
  index: number,
  options: { targetChars: number; now: Date },
): BenchDocument {
  const random = documentRandom(index);
  const { slug, title, publishedAt } = drawMetadata(random, index, options.now);

  const body: string[] = [];
  let chars = 0;
  let paragraphs = 0;
  let heading = 0;
  let paidOpen = false;
  while (chars < options.targetChars) {
    if (paragraphs % 15 === 0) {
      heading += 1;
      body.push(`${chineseNumeral(heading)}、${pick(random, headingTopics)}`);
    }
    let text = paragraph(random);
    if (!paidOpen && chars >= options.targetChars * 0.4) {
      text = `##paidbegin##${text}`;
      paidOpen = true;
    }
    body.push(text);
    chars += text.length;
    paragraphs += 1;
  }
  body.push(`${paragraph(random)}##paidend##`);
  body.push(paragraph(random));

  const frontMatter = [
    "---",
    `title: "${title}"`,
    `slug: ${slug}`,
    // A date-time (2024-05-01T08:30:00Z): distinct dates, not ~90 documents a day at 100,000.
    `published: ${publishedAt.toISOString().replace(/\.\d{3}Z$/, "Z")}`,
    "author: 基准测试",
    "language: zh-CN",
    "---",
  ];
  return { slug, fileName: `${slug}.txt`, text: `${frontMatter.join("\n")}\n${body.join("\n")}\n` };
}
