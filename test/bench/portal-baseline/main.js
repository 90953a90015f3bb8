// The smallest React app: what React and ReactDOM alone weigh, the portal's size baseline.
import { createElement } from "react";
import { createRoot } from "react-dom/client";

createRoot(document.getElementById("root")).render(createElement("p", null, "Hello"));
