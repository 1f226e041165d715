/**
 * Reads the imports of TypeScript sources from their syntax tree (comments and strings never count):
 * the boundary and layering tests share it.
 * @module
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** One module specifier and the line it is on. */
export interface ImportRef {
  specifier: string;
  line: number;
}

/** Every module specifier a source file refers to: static, type-only, re-export, dynamic, require, `import()` types. */
export function importsOf(source: string, fileName: string): ImportRef[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node): void => {
    if (!ts.isStringLiteralLike(node)) return;
    refs.push({ specifier: node.text, line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) add(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression) && node.arguments.length > 0) {
      add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      add(node.name);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  for (const ref of file.typeReferenceDirectives) {
    refs.push({ specifier: ref.fileName, line: file.getLineAndCharacterOfPosition(ref.pos).line + 1 });
  }
  return refs.sort((a, b) => a.line - b.line);
}

function isImportOrRequire(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
}

/** Every TypeScript file under `dir`, recursively. */
export function typeScriptFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...typeScriptFiles(full));
    else if (/\.[cm]?tsx?$/.test(entry.name)) files.push(full);
  }
  return files;
}
