/** The zh-CN catalog is the reference: every other catalog must have exactly these keys. */
export const zhCN = {
  siteName: "Folio",
  tagline: "长文阅读，免费试读",
  nav: { library: "文库", signIn: "登录", language: "语言" },
  library: {
    title: "文库",
    empty: "还没有文档。请用 npm run import 导入。",
    newer: "← 较新",
    older: "较早 →",
    free: "免费",
    paid: "会员",
  },
  document: {
    length: "约 {count} 字",
    readingTime: "{minutes} 分钟读完",
    by: "作者：{author}",
    published: "发布于 {date}",
    version: "第 {version} 版",
    paidShare: "会员内容占 {percent}%",
    allFree: "全文免费",
  },
  paywall: {
    heading: "以下内容仅限会员阅读",
    body: "订阅后可阅读剩余 {count} 字，占全文 {percent}%。",
    lockedSection: "会员专享段落，共 {count} 字",
    subscribe: "订阅",
    signIn: "已是会员？登录",
    unavailable: "全文暂时无法加载，请稍后再试。",
  },
  comingSoon: {
    signInTitle: "登录",
    pricingTitle: "订阅",
    body: "账户与订阅功能即将开放。在此之前，所有文档的免费试读部分向所有人开放。",
    back: "返回文档",
  },
  notFound: { title: "页面不存在", body: "该页面不存在或已被移动。", home: "返回文库" },
  error: { title: "出了点问题", body: "请重试。", retry: "重试", reference: "编号" },
  words: "{count} 字",
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof zhCN>;
