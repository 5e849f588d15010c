/** Entry of the back office (bundled by esbuild): the admin signs in, then the menu and stock. */
import { byId } from './lib/dom.ts'
import { startBackOffice } from './views/admin-screen.ts'
import { signIn } from './views/sign-in.ts'

const signInHere = async () => {
  await signIn({ container: byId('admin-sign-in'), need: 'admin', opens: 'the back office' })
}

void signInHere().then(() => startBackOffice(signInHere))
