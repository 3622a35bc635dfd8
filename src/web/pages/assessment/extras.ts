/**
 * Ant Design parts the assessment page shows around its content rather than as it: the tabs'
 * counts (Badge), the bar of the check progress (Progress) and the workflow's confirmations
 * (Popconfirm). A chunk of its own, which the page starts fetching as soon as its code runs, side
 * by side with the assessment's data that it waits for anyway (AssessmentPage.tsx, useExtras).
 */
export { Badge, Popconfirm, Progress } from 'antd';
