// SecureCart: one stack per region. Config is read and validated in src/config*.ts; the region's shape is
// decided in src/strategy.ts; components/region.ts builds it. See README.md.
import { main } from "./src/main";

export = main();
