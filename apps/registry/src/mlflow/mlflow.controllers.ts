export const MLFLOW_CONTROLLERS = [];
