// Generates the Prisma client for each provider from prisma/schema.prisma (runs on postinstall).
import { providers, runPrisma, schemaPathFor } from "./prisma-cli";

for (const provider of providers) {
  runPrisma(["generate", "--schema", schemaPathFor(provider)]);
  console.log(`prisma client generated for ${provider}`);
}
