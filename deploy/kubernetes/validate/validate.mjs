// Validates the manifests against the Kubernetes API schemas bundled in npm's kubernetes-models:
//   cd deploy/kubernetes/validate && npm install && node validate.mjs ../*.yaml
import fs from "node:fs";
import * as yaml from "js-yaml";
const modules = {
  "v1/Service": ["kubernetes-models/v1", "Service"],
  "v1/PersistentVolumeClaim": ["kubernetes-models/v1", "PersistentVolumeClaim"],
  "v1/Secret": ["kubernetes-models/v1", "Secret"],
  "apps/v1/StatefulSet": ["kubernetes-models/apps/v1", "StatefulSet"],
  "policy/v1/PodDisruptionBudget": ["kubernetes-models/policy/v1", "PodDisruptionBudget"],
  "networking.k8s.io/v1/NetworkPolicy": ["kubernetes-models/networking.k8s.io/v1", "NetworkPolicy"],
};
let failed = 0, checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    if (!doc) continue;
    if (doc.apiVersion?.startsWith("kustomize.config.k8s.io")) continue;
    const key = `${doc.apiVersion}/${doc.kind}`;
    const entry = modules[key];
    if (!entry) { console.log(`${file}: no schema for ${key}`); failed++; continue; }
    const mod = await import(entry[0]);
    try { new mod[entry[1]](doc).validate(); checked++; console.log(`ok ${file} ${key} ${doc.metadata.name}`); }
    catch (e) { failed++; console.log(`FAIL ${file} ${key}: ${e.message}`); }
  }
}
console.log(`${checked} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
