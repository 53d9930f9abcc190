// Test helpers for packages that test against ONNX models (the serving service): import from
// '@modelyard/learners/testing', never from the package's main entry.
export * from './onnx-models.js';
