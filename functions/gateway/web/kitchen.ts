/** Entry of the kitchen display (bundled by esbuild): sign in, then the live lanes. */
import { byId } from './lib/dom.ts'
import { startKitchenBoard } from './views/kitchen-board.ts'
import { signIn } from './views/sign-in.ts'

const signInHere = async () => {
  await signIn({ container: byId('kitchen-sign-in'), need: 'staff', opens: 'the kitchen display' })
}

void signInHere().then(() => startKitchenBoard(signInHere))
