import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["shared/**/*.test.ts", "cli/**/*.test.ts", "test/reference/**/*.test.ts", "test/unit/**/*.test.ts"],
        },
      },
    ],
  },
});
