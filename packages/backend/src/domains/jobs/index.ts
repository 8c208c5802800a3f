import { Jobs } from "@pazarsync/shared";
import { Elysia } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { JobNotFound } from "./errors";
import type { JobService } from "./service";
import { jobView } from "./views";

const staffOnly = requireRole("staff", "admin");

/** /api/v1/jobs: long work (imports, drift checks) and how far it got. */
export function jobsController(deps: { jobs: JobService; identity: IdentityService }) {
  const { jobs } = deps;
  return new Elysia({ name: "jobs", prefix: "/api/v1/jobs", detail: { tags: ["jobs"] } })
    .use(identityGuard(deps.identity))
    .get(
      "",
      async ({ query }) => {
        const limit = query.limit ? Number(query.limit) : 20;
        const offset = query.offset ? Number(query.offset) : 0;
        const page = await jobs.list({ storeId: query.storeId, kind: query.kind, state: query.state, limit, offset });
        return { items: page.items.map(jobView), limit, offset, total: page.total };
      },
      {
        ...staffOnly,
        query: Jobs.JobListQuery,
        response: { 200: Jobs.JobList, ...errors(401, 403, 422) },
        detail: { summary: "Jobs, newest first, by store, kind and state" },
      },
    )
    .get(
      "/:id",
      async ({ params }) => {
        const job = await jobs.find(params.id);
        if (!job) throw new JobNotFound(params.id);
        return jobView(job);
      },
      {
        ...staffOnly,
        params: Jobs.JobParams,
        response: { 200: Jobs.Job, ...errors(401, 403, 404, 422) },
        detail: { summary: "One job: its state, progress, result or error" },
      },
    );
}
