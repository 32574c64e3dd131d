import { InProcessExecutor } from "./executor.ts";
import { executorContract } from "../testing/contract.ts";

Deno.test("executor contract: in-process", async (t) => {
  await executorContract(t, (project, store) => new InProcessExecutor(project.registry, store));
});
