// Types of param-graph.mjs (a plain script: it runs at `generate`, before anything is compiled).
export interface InputEdge {
  key: number;
  mask: number;
  child: number | undefined;
  enumName: number | undefined;
  flags: number;
}
export interface OutputEdge {
  key: number;
  args: number | undefined;
  output: number | undefined;
}
export interface DecodedGraph {
  inputNodes: InputEdge[][];
  outputNodes: OutputEdge[][];
  roots: OutputEdge[];
}
export interface ParameterizationSchema {
  strings: string[];
  graph: string;
}
export const PADDING: number;
export function decodeGraph(graph: string): DecodedGraph;
export function encodeGraph(decoded: DecodedGraph): string;
export function shiftGraph(decoded: DecodedGraph, by: number): DecodedGraph;
export function padParameterizationSchema(schema: ParameterizationSchema): ParameterizationSchema;
export function patchGeneratedClass(source: string): string;
