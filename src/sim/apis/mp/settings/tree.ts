/** The category tree of the mp/settings family (getallcategories). */

/** The category tree getallcategories answers: a small realistic part of WeChat's, some needing certificates. */
export interface CatDef {
  id: number;
  name: string;
  father: number;
  /** The certificates addcategory must carry (certicates[].key). */
  certs: string[];
}
export const CATEGORY_TREE: readonly CatDef[] = [
  { id: 287, name: '工具', father: 0, certs: [] },
  { id: 612, name: '效率', father: 287, certs: [] },
  { id: 614, name: '信息查询', father: 287, certs: [] },
  { id: 7, name: '餐饮', father: 0, certs: [] },
  { id: 8, name: '点评与推荐', father: 7, certs: [] },
  { id: 9, name: '餐饮服务场所/餐饮服务管理企业', father: 7, certs: ['食品经营许可证'] },
  { id: 150, name: '教育', father: 0, certs: [] },
  { id: 152, name: '教育信息服务', father: 150, certs: [] },
  { id: 151, name: '学历教育（学校）', father: 150, certs: ['办学许可证'] },
  { id: 304, name: '医疗服务', father: 0, certs: [] },
  { id: 306, name: '健康咨询', father: 304, certs: ['互联网医院牌照'] },
  { id: 305, name: '医疗机构', father: 304, certs: ['医疗机构执业许可证'] },
];
